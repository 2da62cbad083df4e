//! The server's fast path (`parse_checked`: parse the typed input and check it in one pass) must
//! never accept a body the full validator refuses. Checked here on every operation of the
//! model, with bodies generated from each input's shape: mostly plausible values (so that many
//! are accepted and the fast path is really exercised), mixed with wrong types, nulls, empty and
//! oversized values.

#![cfg(feature = "server")]

use awsjson_types::{Operation, OperationVisitor, Shape, ShapeKind, Validate};
use serde_json::{Map, Value, json};

/// A small fixed-seed generator (xorshift), so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

/// A value for `shape`: usually of the right JSON type with a plausible value, sometimes not.
fn value(rng: &mut Rng, shape: &'static Shape, depth: usize) -> Value {
    if rng.chance(4) {
        return [json!(null), json!(7), json!("x"), json!([]), json!({}), json!(true), json!(1.5)]
            [rng.below(7) as usize]
            .clone();
    }
    match &shape.kind {
        ShapeKind::String(rules) => {
            if let Some(values) = rules.values.filter(|_| rng.chance(85)) {
                return json!(values[rng.below(values.len() as u64) as usize]);
            }
            let samples = [
                "a",
                "diego",
                "us-east-1_AbC123",
                "Zoë",
                "a b",
                "",
                "123456",
                "abc_DEF-9",
                "x@example.com",
                "arn:aws:iam::123456789012:role/r",
                "{####}",
                "https://example.com/cb",
                "tkn0123456789abcdefghijklmno",
            ];
            if rng.chance(3) {
                return json!("y".repeat(rng.below(3000) as usize));
            }
            json!(samples[rng.below(samples.len() as u64) as usize])
        }
        ShapeKind::Integer { min, max } => {
            let candidates = [0, 1, 5, 60, -1, 3600, 100_000, min.unwrap_or(0), max.unwrap_or(10)];
            json!(candidates[rng.below(candidates.len() as u64) as usize])
        }
        ShapeKind::Float { .. } => json!([0.0, 0.5, 1.0, -3.5, 1e9][rng.below(5) as usize]),
        ShapeKind::Boolean => json!(rng.chance(50)),
        ShapeKind::Timestamp => [json!(1_548_099_495), json!(1_548_099_495.428), json!("2019-01-21T19:38:15Z")]
            [rng.below(3) as usize]
            .clone(),
        ShapeKind::Blob { .. } => json!(["AAAA", "aGVsbG8=", "not base64!"][rng.below(3) as usize]),
        ShapeKind::Document => json!({"any": [1, "thing", null]}),
        ShapeKind::List { member, .. } => {
            let len = if depth > 3 { 0 } else { rng.below(4) };
            Value::Array((0..len).map(|_| value(rng, member, depth + 1)).collect())
        }
        ShapeKind::Map { key, value: target, .. } => {
            let len = if depth > 3 { 0 } else { rng.below(3) };
            let mut map = Map::new();
            for _ in 0..len {
                let Value::String(k) = value(rng, key, depth + 1) else { continue };
                map.insert(k, value(rng, target, depth + 1));
            }
            Value::Object(map)
        }
        ShapeKind::Structure { members } => {
            let mut map = Map::new();
            if depth > 4 {
                return Value::Object(map);
            }
            for member in *members {
                // Required members are nearly always there; optional ones often.
                let present = if member.required { rng.chance(95) } else { rng.chance(40) };
                if present {
                    map.insert(member.name.to_string(), value(rng, member.target, depth + 1));
                }
            }
            if rng.chance(5) {
                map.insert("NotAMember".into(), json!({"ignored": true}));
            }
            Value::Object(map)
        }
        // Cognito has no unions; other services' are mostly one member, sometimes none or two.
        ShapeKind::Union { members } => {
            let mut map = Map::new();
            let count = if depth > 4 { 0 } else { [1, 1, 1, 0, 2][rng.below(5) as usize] };
            for _ in 0..count {
                let member = &members[rng.below(members.len() as u64) as usize];
                map.insert(member.name.to_string(), value(rng, member.target, depth + 1));
            }
            Value::Object(map)
        }
    }
}

struct Conservative {
    rng: Rng,
    bodies: usize,
    accepted: usize,
    operations_with_an_accepted_body: usize,
    operations: usize,
}

impl OperationVisitor for Conservative {
    fn visit<O: Operation>(&mut self) {
        self.operations += 1;
        let shape = <O::Input as Validate>::shape();
        let mut accepted_here = 0;
        for _ in 0..200 {
            let body = serde_json::to_vec(&value(&mut self.rng, shape, 0)).unwrap();
            self.bodies += 1;
            if awsjson_types::parse_checked::<O::Input>(shape, &body).is_some() {
                accepted_here += 1;
                let parsed: Value = serde_json::from_slice(&body).unwrap();
                assert!(
                    awsjson_types::validate(shape, &parsed).is_ok(),
                    "{}: the fast path accepted {} but the validator refuses it",
                    O::NAME,
                    String::from_utf8_lossy(&body)
                );
            }
        }
        self.accepted += accepted_here;
        self.operations_with_an_accepted_body += usize::from(accepted_here > 0);
    }
}

#[test]
fn the_fast_path_accepts_only_what_the_validator_accepts() {
    let mut check = Conservative {
        rng: Rng(0x2545_F491_4F6C_DD1D),
        bodies: 0,
        accepted: 0,
        operations_with_an_accepted_body: 0,
        operations: 0,
    };
    cognito_idp::operation::visit_all(&mut check);
    assert!(check.operations > 0);
    assert_eq!(check.bodies, check.operations * 200, "200 bodies for every operation");
    eprintln!(
        "{} bodies, {} took the fast path, in {} operations",
        check.bodies, check.accepted, check.operations_with_an_accepted_body
    );
    // The generator must make the fast path work, or the test proves nothing.
    // Most random bodies are invalid by construction (wrong types, nulls, out-of-range values),
    // so what matters is that thousands of valid ones, spread over most operations, took the
    // fast path: a generator that stopped emitting it would fail here. (The share moves with
    // the model: 9.4 % with 153 operations.)
    assert!(
        check.accepted > check.bodies / 20,
        "only {} of {} bodies took the fast path",
        check.accepted,
        check.bodies
    );
    assert!(
        check.operations_with_an_accepted_body * 4 > check.operations * 3,
        "only {} of {} operations had a body take the fast path",
        check.operations_with_an_accepted_body,
        check.operations
    );
}

#[test]
fn a_valid_request_takes_the_fast_path() {
    use cognito_idp::operation::AdminGetUser;
    let shape = <<AdminGetUser as Operation>::Input as Validate>::shape();
    let body = br#"{"UserPoolId":"us-east-1_AbC123","Username":"diego"}"#;
    let input = awsjson_types::parse_checked::<<AdminGetUser as Operation>::Input>(shape, body).expect("fast path");
    assert_eq!(input.username, "diego");
    assert!(
        awsjson_types::parse_checked::<<AdminGetUser as Operation>::Input>(
            shape,
            br#"{"UserPoolId":"x","Username":"a b"}"#
        )
        .is_none()
    );
}
