use std::collections::HashMap;

use serde::Deserialize;

use super::*;
use crate::shape::{Member as M, Pattern};
use crate::{Blob, Timestamp};

static NAME_PATTERN: Pattern = Pattern::new(r"[\p{L}\p{M}\p{S}\p{N}\p{P}]+");
static NAME: Shape = Shape {
    name: "Name",
    sensitive: true,
    kind: ShapeKind::String(StringRules { min: Some(1), max: Some(8), pattern: Some(&NAME_PATTERN), values: None }),
};
static COLOR: Shape = Shape {
    name: "Color",
    sensitive: false,
    kind: ShapeKind::String(StringRules { min: None, max: None, pattern: None, values: Some(&["RED", "BLUE"]) }),
};
static LIMIT: Shape =
    Shape { name: "Limit", sensitive: false, kind: ShapeKind::Integer { min: Some(1), max: Some(60) } };
static RATIO: Shape =
    Shape { name: "Ratio", sensitive: false, kind: ShapeKind::Float { min: Some(0.0), max: Some(1.0) } };
static WHEN: Shape = Shape { name: "When", sensitive: false, kind: ShapeKind::Timestamp };
static FLAG: Shape = Shape { name: "Flag", sensitive: false, kind: ShapeKind::Boolean };
static DOC: Shape = Shape { name: "Doc", sensitive: false, kind: ShapeKind::Document };
static IMAGE: Shape = Shape { name: "Image", sensitive: false, kind: ShapeKind::Blob { min: None, max: Some(4) } };
static NAMES: Shape =
    Shape { name: "Names", sensitive: false, kind: ShapeKind::List { member: &NAME, min: Some(1), max: Some(2) } };
static TAGS: Shape = Shape {
    name: "Tags",
    sensitive: false,
    kind: ShapeKind::Map { key: &NAME, value: &COLOR, min: None, max: Some(2) },
};
static REQUEST: Shape = Shape {
    name: "Request",
    sensitive: false,
    kind: ShapeKind::Structure {
        members: &[
            M { name: "Name", target: &NAME, required: true },
            M { name: "Color", target: &COLOR, required: false },
            M { name: "Limit", target: &LIMIT, required: false },
            M { name: "Ratio", target: &RATIO, required: false },
            M { name: "When", target: &WHEN, required: false },
            M { name: "Flag", target: &FLAG, required: false },
            M { name: "Doc", target: &DOC, required: false },
            M { name: "Image", target: &IMAGE, required: false },
            M { name: "Names", target: &NAMES, required: false },
            M { name: "Tags", target: &TAGS, required: false },
            M { name: "Child", target: &REQUEST, required: false },
        ],
    },
};

/// The typed input of `REQUEST`, shaped as the generator emits them (required members default).
#[derive(Debug, Deserialize, PartialEq)]
struct Request {
    #[serde(rename = "Name", default)]
    name: String,
    #[serde(rename = "Color", default)]
    color: Option<String>,
    #[serde(rename = "Limit", default)]
    limit: Option<i32>,
    #[serde(rename = "Ratio", default)]
    ratio: Option<f64>,
    #[serde(rename = "When", default)]
    when: Option<Timestamp>,
    #[serde(rename = "Flag", default)]
    flag: Option<bool>,
    #[serde(rename = "Doc", default)]
    doc: Option<serde_json::Value>,
    #[serde(rename = "Image", default)]
    image: Option<Blob>,
    #[serde(rename = "Names", default)]
    names: Option<Vec<String>>,
    #[serde(rename = "Tags", default)]
    tags: Option<HashMap<String, String>>,
    #[serde(rename = "Child", default)]
    child: Option<Box<Request>>,
}

const VALID: &[&str] = &[
    r#"{"Name":"diego"}"#,
    r#"{"Name":"Zoë","Color":"RED","Limit":60,"Ratio":0.5,"When":1548099495.428,"Flag":true,"Doc":{"a":[1,null]},"Names":["a","b"],"Tags":{"k":"BLUE"},"Child":{"Name":"x"},"Unknown":{"deep":[1]}}"#,
    r#"{"Name":"diego","Color":null,"Limit":null}"#,
    r#"{"Name":"d","Ratio":1,"When":1548099495}"#,
    r#"{"Name":"d\u0069ego"}"#,
];

const UNSURE: &[&str] = &[
    r#"{"Name":"a b"}"#,
    r#"{"Name":""}"#,
    r#"{"Name":"123456789"}"#,
    r#"{"Name":null}"#,
    r#"{}"#,
    "",
    "  ",
    r#"{"Name":"d","Color":"GREEN"}"#,
    r#"{"Name":"d","Limit":0}"#,
    r#"{"Name":"d","Limit":61}"#,
    r#"{"Name":"d","Limit":1.5}"#,
    r#"{"Name":"d","Limit":"5"}"#,
    r#"{"Name":"d","Ratio":1.5}"#,
    r#"{"Name":"d","When":"2019-01-21T19:38:15Z"}"#,
    r#"{"Name":"d","Flag":"true"}"#,
    r#"{"Name":"d","Image":"AAAA"}"#,
    r#"{"Name":"d","Names":[]}"#,
    r#"{"Name":"d","Names":["a","b","c"]}"#,
    r#"{"Name":"d","Names":["a",null]}"#,
    r#"{"Name":"d","Names":["a b"]}"#,
    r#"{"Name":"d","Tags":{"bad key":"RED"}}"#,
    r#"{"Name":"d","Tags":{"k":"GREEN"}}"#,
    r#"{"Name":"d","Tags":{"a":"RED","b":"RED","c":"RED"}}"#,
    r#"{"Name":"d","Child":{}}"#,
    r#"{"Name":"d","Child":{"Name":"d","Child":{"Name":""}}}"#,
    r#"{"Name":"d","Name":"e"}"#,
    r#"{"Name":5}"#,
    r#"[]"#,
    r#"["d"]"#,
    r#"null"#,
    r#"{"Name":"d"} trailing"#,
    r#"{"Name":"d""#,
];

#[test]
fn valid_bodies_parse_to_what_serde_alone_reads() {
    for body in VALID {
        let checked = parse_checked::<Request>(&REQUEST, body.as_bytes());
        let plain: Request = serde_json::from_str(body).unwrap();
        assert_eq!(checked, Some(plain), "{body}");
    }
}

#[test]
fn accepts_only_what_the_full_validator_accepts() {
    for body in VALID.iter().chain(UNSURE) {
        let accepted = parse_checked::<Request>(&REQUEST, body.as_bytes()).is_some();
        let value: Option<serde_json::Value> = serde_json::from_str(body).ok();
        let valid = value.is_some_and(|v| crate::validate(&REQUEST, &v).is_ok());
        if accepted {
            assert!(valid, "parse_checked accepted {body} but validate does not");
        }
        assert_eq!(accepted, VALID.contains(body), "{body}");
    }
}

#[test]
fn deep_nesting_is_left_to_the_full_validator() {
    let body = format!("{}{}{}", r#"{"Name":"d","Child":"#.repeat(70), r#"{"Name":"d"}"#, "}".repeat(70));
    assert!(parse_checked::<Request>(&REQUEST, body.as_bytes()).is_none());
    let shallow = format!("{}{}{}", r#"{"Name":"d","Child":"#.repeat(5), r#"{"Name":"d"}"#, "}".repeat(5));
    assert!(parse_checked::<Request>(&REQUEST, shallow.as_bytes()).is_some());
}

static WITH_DOCUMENT: Shape = Shape {
    name: "WithDocument",
    sensitive: false,
    kind: ShapeKind::Structure { members: &[M { name: "Doc", target: &DOC, required: true }] },
};

#[derive(Debug, Deserialize, PartialEq)]
struct WithDocument {
    #[serde(rename = "Doc", default)]
    doc: serde_json::Value,
}

#[test]
fn a_required_document_must_not_be_null() {
    let parse = |body: &str| parse_checked::<WithDocument>(&WITH_DOCUMENT, body.as_bytes());
    assert!(parse(r#"{"Doc":{"a":[1,null,{"b":"c"}]}}"#).is_some());
    assert!(parse(r#"{"Doc":5}"#).is_some());
    assert!(parse(r#"{"Doc":[true,"x"]}"#).is_some());
    assert!(parse(r#"{"Doc":null}"#).is_none());
    assert!(parse(r#"{}"#).is_none());
    for body in [r#"{"Doc":null}"#, r#"{}"#] {
        let value: serde_json::Value = serde_json::from_str(body).unwrap();
        assert!(crate::validate(&WITH_DOCUMENT, &value).is_err());
    }
}

static PICK: Shape = Shape {
    name: "Pick",
    sensitive: false,
    kind: ShapeKind::Union {
        members: &[
            M { name: "Limit", target: &LIMIT, required: false },
            M { name: "Name", target: &NAME, required: false },
        ],
    },
};
static PICKED: Shape = Shape {
    name: "Picked",
    sensitive: false,
    kind: ShapeKind::Structure { members: &[M { name: "Pick", target: &PICK, required: true }] },
};

/// A union as the generator emits it (through the runtime's `union` module).
#[derive(Debug, PartialEq)]
enum Pick {
    Limit(i32),
    Name(String),
    Unknown(crate::UnknownVariantValue),
}

impl crate::union::ReadUnion for Pick {
    const NAME: &'static str = "Pick";
    const MEMBERS: &'static [&'static str] = &["Limit", "Name"];
    fn read_variant<'de, A: MapAccess<'de>>(name: &str, map: &mut A) -> Result<Option<Self>, A::Error> {
        Ok(match name {
            "Limit" => map.next_value::<Option<_>>()?.map(Pick::Limit),
            "Name" => map.next_value::<Option<_>>()?.map(Pick::Name),
            _ => crate::union::read_unknown(name, map)?.map(Pick::Unknown),
        })
    }
}

impl<'de> Deserialize<'de> for Pick {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        crate::union::deserialize(deserializer)
    }
}

#[derive(Debug, Deserialize, PartialEq)]
struct Picked {
    #[serde(rename = "Pick")]
    pick: Pick,
}

#[test]
fn unions_pass_only_with_one_known_member() {
    let parsed = parse_checked::<Picked>(&PICKED, br#"{"Pick": {"Name": "d", "Limit": null}}"#);
    assert_eq!(parsed, Some(Picked { pick: Pick::Name("d".into()) }));
    for body in [
        r#"{"Pick": {}}"#,
        r#"{"Pick": {"Limit": 1, "Name": "d"}}"#,
        r#"{"Pick": {"Other": 1}}"#,
        r#"{"Pick": {"Limit": 1, "Other": null}}"#,
        r#"{"Pick": {"Limit": 0}}"#,
    ] {
        assert_eq!(parse_checked::<Picked>(&PICKED, body.as_bytes()), None, "{body}");
        // Whatever the check leaves, the full validator decides; it refuses all but the last-but-one.
        let value: serde_json::Value = serde_json::from_str(body).unwrap();
        let verdict = crate::validate(&PICKED, &value);
        assert_eq!(verdict.is_ok(), body.contains("null"), "{body}: {verdict:?}");
    }
}
