//! The canonical request: the normalized text of a request that SigV4 hashes and signs.
//!
//! ```text
//! METHOD
//! canonical URI        (path normalized, then every byte but unreserved ones and '/' percent-encoded)
//! canonical query      (pairs decoded, re-encoded, sorted, joined with '&')
//! name:value           (one line per signed header, lowercased and sorted)
//! ...
//! (empty line)
//! signed;header;names
//! hex SHA-256 of the payload
//! ```

use std::borrow::Cow;
use std::fmt::Write as _;

use ring::digest;

const HEX: &[u8; 16] = b"0123456789abcdef";
const HEX_UPPER: &[u8; 16] = b"0123456789ABCDEF";

/// What the payload line of the canonical request is made from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Payload<'a> {
    /// The body; its SHA-256 is computed.
    Bytes(&'a [u8]),
    /// A precomputed hex SHA-256, or a literal such as `UNSIGNED-PAYLOAD`, used as is.
    Hash(&'a str),
}

impl Payload<'_> {
    /// The payload line: hex SHA-256 of the bytes, or the given hash.
    ///
    /// ```
    /// use awsjson_sigv4::Payload;
    /// assert_eq!(
    ///     Payload::Bytes(b"").hash(),
    ///     "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    /// );
    /// ```
    pub fn hash(&self) -> Cow<'_, str> {
        match self {
            Payload::Bytes(body) => Cow::Owned(sha256_hex(body)),
            Payload::Hash(hash) => Cow::Borrowed(hash),
        }
    }
}

/// Lowercase hex of the SHA-256 of `data`.
pub(crate) fn sha256_hex(data: &[u8]) -> String {
    hex(digest::digest(&digest::SHA256, data).as_ref())
}

/// Lowercase hex.
pub(crate) fn hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(HEX[usize::from(b >> 4)] as char);
        out.push(HEX[usize::from(b & 15)] as char);
    }
    out
}

/// SigV4's URI encoding: every byte but `A-Z a-z 0-9 - . _ ~` (and `/` when `keep_slash`) as
/// `%XX` with uppercase hex. Non-ASCII text is encoded as its UTF-8 bytes.
fn uri_encode(out: &mut String, text: &str, keep_slash: bool) {
    for &b in text.as_bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') || (keep_slash && b == b'/') {
            out.push(b as char);
        } else {
            out.push('%');
            out.push(HEX_UPPER[usize::from(b >> 4)] as char);
            out.push(HEX_UPPER[usize::from(b & 15)] as char);
        }
    }
}

/// The canonical URI of a request path as sent (already percent-encoded once).
///
/// The path is normalized as RFC 3986 removes dot segments (and empty segments collapse), then
/// encoded again, so `%` becomes `%25`: the double encoding AWS expects of every service but S3.
///
/// ```
/// use awsjson_sigv4::canonical_uri;
/// assert_eq!(canonical_uri(""), "/");
/// assert_eq!(canonical_uri("/a//b/./c/../d"), "/a/b/d");
/// assert_eq!(canonical_uri("/my%20doc:1"), "/my%2520doc%3A1");
/// ```
pub fn canonical_uri(path: &str) -> String {
    let normalized = normalize_path(path);
    let mut out = String::with_capacity(normalized.len() + 8);
    uri_encode(&mut out, &normalized, true);
    out
}

fn normalize_path(path: &str) -> Cow<'_, str> {
    let path = if path.starts_with('/') { Cow::Borrowed(path) } else { Cow::Owned(format!("/{path}")) };
    if !path.contains('.') && !path.contains("//") {
        return path;
    }
    let mut kept: Vec<&str> = Vec::new();
    for segment in path.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                kept.pop();
            }
            other => kept.push(other),
        }
    }
    let mut out = String::with_capacity(path.len() + 1);
    for segment in &kept {
        out.push('/');
        out.push_str(segment);
    }
    // A path that ends in a directory keeps its trailing slash (RFC 3986 5.2.4 cases B and C).
    let ends_in_directory = ["/", "/.", "/..", "/./", "/../"].iter().any(|end| path.ends_with(end));
    if out.is_empty() || (ends_in_directory && !out.ends_with('/')) {
        out.push('/');
    }
    Cow::Owned(out)
}

/// The canonical query string of a raw query (without the `?`).
///
/// Each `&`-separated pair is split at its first `=`, form-decoded (`+` is a space, `%XX` a
/// byte, invalid UTF-8 replaced), encoded again with SigV4's rules, and the pairs are sorted by
/// encoded name, then encoded value. Empty pairs are dropped; a name without `=` gets an empty value.
///
/// ```
/// use awsjson_sigv4::canonical_query;
/// assert_eq!(canonical_query("b=2&a=x+y&a=%2a&c"), "a=%2A&a=x%20y&b=2&c=");
/// ```
pub fn canonical_query(query: &str) -> String {
    let mut pairs: Vec<(String, String)> = query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            (reencode_query_part(name), reencode_query_part(value))
        })
        .collect();
    pairs.sort_unstable();
    let mut out = String::with_capacity(query.len() + 8);
    for (i, (name, value)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        out.push_str(name);
        out.push('=');
        out.push_str(value);
    }
    out
}

fn reencode_query_part(part: &str) -> String {
    let decoded = form_decode(part);
    let mut out = String::with_capacity(decoded.len() + 8);
    uri_encode(&mut out, &String::from_utf8_lossy(&decoded), false);
    out
}

/// `application/x-www-form-urlencoded` decoding: `+` is a space, `%XX` a byte; a `%` not
/// followed by two hex digits stays as it is.
fn form_decode(part: &str) -> Vec<u8> {
    let b = part.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'+' => out.push(b' '),
            b'%' => match (b.get(i + 1).and_then(|&c| hex_value(c)), b.get(i + 2).and_then(|&c| hex_value(c))) {
                (Some(high), Some(low)) => {
                    out.push(high << 4 | low);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            other => out.push(other),
        }
        i += 1;
    }
    out
}

fn hex_value(c: u8) -> Option<u8> {
    (c as char).to_digit(16).map(|d| d as u8)
}

/// A header value as SigV4 signs it: leading and trailing spaces removed, and each run of spaces
/// inside collapsed to one. Only spaces: tabs and other whitespace stay.
///
/// ```
/// assert_eq!(awsjson_sigv4::trim_header_value("  a   b  c "), "a b c");
/// ```
pub fn trim_header_value(value: &str) -> Cow<'_, str> {
    let trimmed = value.trim_matches(' ');
    if !trimmed.contains("  ") {
        return Cow::Borrowed(trimmed);
    }
    let mut out = String::with_capacity(trimmed.len());
    let mut after_space = false;
    for c in trimmed.chars() {
        if c != ' ' || !after_space {
            out.push(c);
        }
        after_space = c == ' ';
    }
    Cow::Owned(out)
}

/// Whether `name` is an HTTP header name (an RFC 9110 token).
pub(crate) fn is_header_name(name: &str) -> bool {
    !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

/// Whether `value` can be a header value: no control characters but tab.
pub(crate) fn is_header_value(value: &str) -> bool {
    value.bytes().all(|b| b == b'\t' || (b >= 0x20 && b != 0x7f))
}

/// The signed headers of a canonical request: lowercase names, sorted, each with its values
/// (trimmed) joined by commas in the order they came.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct CanonicalHeaders {
    entries: Vec<(String, String)>,
}

impl CanonicalHeaders {
    /// Adds a value to `name` (lowercase), after its earlier values.
    pub(crate) fn append(&mut self, name: &str, value: &str) {
        let value = trim_header_value(value);
        match self.entries.binary_search_by(|(n, _)| n.as_str().cmp(name)) {
            Ok(i) => {
                let joined = &mut self.entries[i].1;
                joined.push(',');
                joined.push_str(&value);
            }
            Err(i) => self.entries.insert(i, (name.to_string(), value.into_owned())),
        }
    }

    /// Sets `name` (lowercase) to this one value, replacing any.
    pub(crate) fn insert(&mut self, name: &str, value: &str) {
        self.remove(name);
        self.append(name, value);
    }

    pub(crate) fn remove(&mut self, name: &str) {
        self.entries.retain(|(n, _)| n != name);
    }

    pub(crate) fn contains(&self, name: &str) -> bool {
        self.entries.iter().any(|(n, _)| n == name)
    }

    /// `host;x-amz-date;...`
    pub(crate) fn signed_names(&self) -> String {
        let mut out = String::new();
        for (i, (name, _)) in self.entries.iter().enumerate() {
            if i > 0 {
                out.push(';');
            }
            out.push_str(name);
        }
        out
    }
}

/// Writes the canonical request.
pub(crate) fn canonical_request(
    method: &str,
    path: &str,
    query: &str,
    headers: &CanonicalHeaders,
    payload_hash: &str,
) -> String {
    let mut out = String::with_capacity(256);
    out.push_str(method);
    out.push('\n');
    out.push_str(&canonical_uri(path));
    out.push('\n');
    out.push_str(&canonical_query(query));
    out.push('\n');
    for (name, value) in &headers.entries {
        let _ = writeln!(out, "{name}:{value}");
    }
    out.push('\n');
    out.push_str(&headers.signed_names());
    out.push('\n');
    out.push_str(payload_hash);
    out
}

#[cfg(test)]
#[path = "canonical_tests.rs"]
mod tests;
