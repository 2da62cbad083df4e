//! Reading SAML documents: the namespaces, a parser that refuses document type declarations
//! (no entity tricks in what a browser posts), and small helpers over Uppsala's DOM, the one
//! Bergshamra verifies signatures on, so what is read is what was verified.

use uppsala::{Document, NodeId};

/// SAML 2.0 metadata.
pub const MD: &str = "urn:oasis:names:tc:SAML:2.0:metadata";
/// SAML 2.0 assertions.
pub const SAML: &str = "urn:oasis:names:tc:SAML:2.0:assertion";
/// SAML 2.0 protocol.
pub const SAMLP: &str = "urn:oasis:names:tc:SAML:2.0:protocol";
/// XML Signature.
pub const DS: &str = "http://www.w3.org/2000/09/xmldsig#";
/// The HTTP-Redirect binding.
pub const REDIRECT_BINDING: &str = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect";
/// The HTTP-POST binding.
pub const POST_BINDING: &str = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST";
/// A successful status.
pub const SUCCESS: &str = "urn:oasis:names:tc:SAML:2.0:status:Success";

/// Parses `text`, refusing any `<!DOCTYPE`.
pub fn parse(text: &str) -> Result<Document<'_>, String> {
    uppsala::Parser::new().with_forbid_dtd(true).parse(text).map_err(|e| format!("the XML could not be read: {e}"))
}

/// The first child element of `parent` named `ns:local`.
pub fn child(doc: &Document<'_>, parent: NodeId, ns: &str, local: &str) -> Option<NodeId> {
    doc.first_child_element_by_name_ns(parent, ns, local)
}

/// Every child element of `parent` named `ns:local`.
pub fn children(doc: &Document<'_>, parent: NodeId, ns: &str, local: &str) -> Vec<NodeId> {
    doc.child_elements_by_name_ns(parent, ns, local)
}

/// The element at the end of a path of child names, from `parent`.
pub fn path(doc: &Document<'_>, parent: NodeId, steps: &[(&str, &str)]) -> Option<NodeId> {
    steps.iter().try_fold(parent, |at, (ns, local)| child(doc, at, ns, local))
}

/// The trimmed text of an element.
pub fn text(doc: &Document<'_>, node: NodeId) -> String {
    doc.text_content_deep(node).trim().to_owned()
}

/// An attribute (no namespace) of an element.
pub fn attribute<'d>(doc: &'d Document<'_>, node: NodeId, name: &str) -> Option<&'d str> {
    doc.get_attribute(node, name)
}

/// Whether `node` is the element `ns:local`.
pub fn is(doc: &Document<'_>, node: NodeId, ns: &str, local: &str) -> bool {
    doc.element(node).is_some_and(|e| e.matches_name_ns(ns, local))
}

/// Escapes text for an attribute value or element content.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

/// An `xs:dateTime` (`2026-12-06T05:00:00Z`, fractions and offsets allowed) in seconds.
pub fn seconds(value: &str) -> Option<i64> {
    time::OffsetDateTime::parse(value.trim(), &time::format_description::well_known::Rfc3339)
        .ok()
        .map(|t| t.unix_timestamp())
}

/// Seconds as an `xs:dateTime` in UTC, as SAML messages carry their instants.
pub fn instant(seconds: i64) -> String {
    let at = time::OffsetDateTime::from_unix_timestamp(seconds).unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    at.format(&time::format_description::well_known::Rfc3339).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doctypes_are_refused_and_instants_round_trip() {
        assert!(parse("<!DOCTYPE a [<!ENTITY x \"y\">]><a>&x;</a>").is_err());
        assert_eq!(seconds("2026-12-06T05:00:00Z"), Some(1_796_533_200));
        assert_eq!(seconds("2026-12-06T05:00:00.123Z"), Some(1_796_533_200));
        assert_eq!(seconds(&instant(1_796_533_200)), Some(1_796_533_200));
        assert_eq!(escape("a<b&\"c\""), "a&lt;b&amp;&quot;c&quot;");
    }
}
