//! Doc comments of our own, written from the model's facts, each with a link to the AWS API
//! reference page of the type or operation. (The schemas carry no prose; neither does the code.)

use crate::model::{Auth, IoRole, Service, Shape, ShapeKind};

/// The API reference page documenting `shape`, if the service has an API reference.
pub fn shape_page(service: &Service, shape: &Shape) -> Option<String> {
    let base = service.api_reference.as_deref()?;
    let page_of = |name: &str| format!("{}API_{name}.html", with_slash(base));
    if let Some((op, _)) = service.operations_with_io(&shape.name).next() {
        return Some(page_of(&op.name));
    }
    if shape.error.is_some() {
        return service.operations.values().find(|op| op.errors.contains(&shape.name)).map(|op| page_of(&op.name));
    }
    if shape.is_structure() || shape.is_union() {
        return Some(page_of(&shape.name));
    }
    // Enums and other simple types have no page: use the first structure that holds one.
    let holder = service.shapes.values().find(|s| s.members().iter().any(|m| m.target == shape.name))?;
    shape_page(service, holder)
}

pub fn operation_page(service: &Service, operation: &str) -> Option<String> {
    service.api_reference.as_deref().map(|base| format!("{}API_{operation}.html", with_slash(base)))
}

fn with_slash(base: &str) -> String {
    if base.ends_with('/') { base.to_string() } else { format!("{base}/") }
}

fn link_line(page: Option<String>) -> String {
    page.map(|p| format!("\n\nAWS API reference: <{p}>")).unwrap_or_default()
}

/// Doc of a generated type.
pub fn shape_doc(service: &Service, shape: &Shape) -> String {
    let name = &shape.name;
    let first = if let Some((op, role)) = service.operations_with_io(name).next() {
        match role {
            IoRole::Input => format!("Input of the `{}` operation.", op.name),
            IoRole::Output => format!("Output of the `{}` operation.", op.name),
        }
    } else if let Some(fault) = shape.error {
        let count = service.operations.values().filter(|op| op.errors.contains(name)).count();
        let who = match fault {
            crate::model::Fault::Client => "client",
            crate::model::Fault::Server => "server",
        };
        format!("The `{name}` error ({who} fault), modeled for {count} operation(s).")
    } else if let ShapeKind::String(s) = &shape.kind
        && let Some(values) = &s.values
    {
        format!(
            "The `{name}` enumeration: {}. A value not listed here deserializes into `Unknown` and serializes back unchanged.",
            values.iter().map(|v| format!("`{v}`")).collect::<Vec<_>>().join(", ")
        )
    } else if shape.is_union() {
        format!(
            "The `{name}` union of the {} API: exactly one member is set, one variant per member. A member \
             this version of the model does not know deserializes into `Unknown`, which cannot be sent.",
            service.title
        )
    } else {
        format!("The `{name}` structure of the {} API.", service.title)
    };
    let sensitive = if shape.sensitive { "\n\nSensitive: `Debug` prints it redacted." } else { "" };
    format!("{first}{sensitive}{}", link_line(shape_page(service, shape)))
}

/// Doc of a structure member: its wire name and the constraints of its target.
pub fn member_doc(service: &Service, member: &crate::model::Member) -> String {
    let target = service.shape(&member.target);
    let mut parts = vec![format!("`{}`{}:", member.name, if member.required { " (required)" } else { "" })];
    parts.push(constraints(service, target));
    if target.sensitive {
        parts.push("Sensitive: redacted in `Debug`.".into());
    }
    if member.deprecated {
        parts.push("Deprecated by AWS.".into());
    }
    parts.join(" ")
}

/// One sentence of constraints, e.g. "String of 1 to 128 characters matching `[\S]+`."
fn constraints(service: &Service, shape: &Shape) -> String {
    let range = |min: Option<String>, max: Option<String>, unit: &str| match (min, max) {
        (Some(a), Some(b)) => format!(" of {a} to {b}{unit}"),
        (Some(a), None) => format!(" of at least {a}{unit}"),
        (None, Some(b)) => format!(" of at most {b}{unit}"),
        (None, None) => String::new(),
    };
    let s = |v: Option<u64>| v.map(|x| x.to_string());
    match &shape.kind {
        ShapeKind::String(st) if st.values.is_some() => {
            let ty = super::names::type_name(&shape.name);
            format!("One of [`{ty}`](crate::types::{ty}).")
        }
        ShapeKind::String(st) => {
            let mut out = format!("String{}", range(s(st.min), s(st.max), " characters"));
            if let Some(p) = &st.pattern {
                out.push_str(&format!(" matching `{}`", p.replace('`', "\\`")));
            }
            out + "."
        }
        ShapeKind::Integer { min, max, .. } => {
            format!("Integer{}.", range(min.map(|v| v.to_string()), max.map(|v| v.to_string()), ""))
        }
        ShapeKind::Float { min, max, .. } => {
            format!("Number{}.", range(min.map(|v| v.to_string()), max.map(|v| v.to_string()), ""))
        }
        ShapeKind::Timestamp => "Timestamp (epoch seconds on the wire).".into(),
        ShapeKind::DateTime => "Timestamp (an RFC 3339 date-time string on the wire).".into(),
        ShapeKind::HttpDate => "Timestamp (an HTTP date string on the wire, `Sun, 06 Nov 1994 08:49:37 GMT`).".into(),
        ShapeKind::Blob { min, max } => {
            format!("Binary data{} (base64 on the wire).", range(s(*min), s(*max), " bytes"))
        }
        ShapeKind::List { member, min, max } => {
            format!("List{} of `{}`.", range(s(*min), s(*max), " items"), service.shape(member).name)
        }
        ShapeKind::Map { min, max, .. } => format!("Map{}.", range(s(*min), s(*max), " entries")),
        ShapeKind::Structure { .. } | ShapeKind::Union { .. } => {
            let ty = super::names::type_name(&shape.name);
            format!("See [`{ty}`](crate::types::{ty}).")
        }
        ShapeKind::Boolean => "Boolean.".into(),
        ShapeKind::Document => "Any JSON value.".into(),
    }
}

/// Doc of an operation's client method and builder, and of its marker type.
pub fn operation_doc(service: &Service, operation: &crate::model::Operation) -> String {
    let link = link_line(operation_page(service, &operation.name));
    format!("Calls `{}`. {}{link}", operation.name, operation_notes(operation))
}

/// Doc of an operation's server trait method: what the operation does (the schemas carry no
/// prose, so that is AWS's page, linked from the first line), then what the method takes and
/// returns, by type.
pub fn server_method_doc(service: &Service, operation: &crate::model::Operation) -> String {
    let name = &operation.name;
    let first = match operation_page(service, name) {
        Some(page) => format!("`{name}`: see [AWS's API reference]({page}) for what it does."),
        None => format!("The `{name}` operation."),
    };
    let link = |ty: String, path: &str| format!("[`{ty}`](crate::{path}::{ty})");
    let input = link(super::names::type_name(&operation.input), "types");
    let output = match &operation.output {
        Some(output) => link(super::names::type_name(output), "types"),
        None => "[`Empty`](crate::Empty) (the operation answers `{}`)".into(),
    };
    let error = link(format!("{}Error", super::names::type_name(name)), "operation");
    format!(
        "{first}\n\nTakes {input}, already parsed and validated against the model, and returns {output}, or \
         the error enum {error}: one of the operation's modeled errors, or `Unhandled` for any other code. {}",
        operation_notes(operation)
    )
}

/// How an operation is authenticated, and whether it is paginated.
fn operation_notes(operation: &crate::model::Operation) -> String {
    let auth = match operation.auth {
        Auth::SigV4 => "Signed with SigV4 (AWS credentials).",
        Auth::None => "Public: sent without an AWS signature.",
    };
    let paginated =
        if operation.pagination.is_some() { " Paginated: results come in pages linked by a token." } else { "" };
    let host = match &operation.host_prefix {
        Some(prefix) => format!(
            " Sent to the endpoint's host name prefixed with `{prefix}` (unless the client's configuration \
             disables host prefixes)."
        ),
        None => String::new(),
    };
    format!("{auth}{paginated}{host}")
}

/// `#[doc]` attributes for `text`, one per line, so rustfmt-style `///` comments come out.
pub fn outer(text: &str) -> proc_macro2::TokenStream {
    let lines = text.lines().map(|l| if l.is_empty() { String::new() } else { format!(" {l}") });
    quote::quote! { #( #[doc = #lines] )* }
}

/// `#![doc]` attributes for `text`, one per line.
pub fn inner(text: &str) -> proc_macro2::TokenStream {
    let lines = text.lines().map(|l| if l.is_empty() { String::new() } else { format!(" {l}") });
    quote::quote! { #( #![doc = #lines] )* }
}
