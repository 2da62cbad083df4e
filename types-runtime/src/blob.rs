//! [`Blob`]: binary data, sent over the wire as a base64 string.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD};
use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Binary data. On the AWS JSON wire it is a string in standard base64 with padding.
///
/// Its `Debug` output shows only the length, since blobs can be large or secret.
///
/// ```
/// use awsjson_types::Blob;
///
/// let blob = Blob::new(b"hi".to_vec());
/// assert_eq!(serde_json::to_string(&blob).unwrap(), "\"aGk=\"");
/// assert_eq!(format!("{blob:?}"), "Blob(2 bytes)");
/// ```
#[derive(Clone, PartialEq, Eq, Hash, Default)]
pub struct Blob(Vec<u8>);

/// The text given as a blob is not valid base64.
///
/// ```
/// assert!(awsjson_types::Blob::from_base64("not base64!").is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlobDecodeError {
    /// What the decoder objected to (never the input itself).
    pub reason: String,
}

impl fmt::Display for BlobDecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid base64: {}", self.reason)
    }
}

impl std::error::Error for BlobDecodeError {}

impl Blob {
    /// A blob holding these bytes.
    ///
    /// ```
    /// assert_eq!(awsjson_types::Blob::new(vec![1, 2]).as_bytes(), &[1, 2]);
    /// ```
    pub fn new(bytes: impl Into<Vec<u8>>) -> Self {
        Blob(bytes.into())
    }

    /// The bytes.
    ///
    /// ```
    /// assert_eq!(awsjson_types::Blob::from(&b"ab"[..]).as_bytes(), b"ab");
    /// ```
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// Takes the bytes out.
    ///
    /// ```
    /// assert_eq!(awsjson_types::Blob::new(vec![7]).into_inner(), vec![7]);
    /// ```
    pub fn into_inner(self) -> Vec<u8> {
        self.0
    }

    /// Number of bytes.
    ///
    /// ```
    /// assert_eq!(awsjson_types::Blob::new(vec![0; 3]).len(), 3);
    /// ```
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether the blob holds no bytes.
    ///
    /// ```
    /// assert!(awsjson_types::Blob::default().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The wire form: standard base64 with padding.
    ///
    /// ```
    /// assert_eq!(awsjson_types::Blob::new(b"a".to_vec()).to_base64(), "YQ==");
    /// ```
    pub fn to_base64(&self) -> String {
        STANDARD.encode(&self.0)
    }

    /// Decodes standard base64, either with its full padding or with none.
    ///
    /// ```
    /// use awsjson_types::Blob;
    ///
    /// assert_eq!(Blob::from_base64("YQ==").unwrap().as_bytes(), b"a");
    /// assert_eq!(Blob::from_base64("YQ").unwrap().as_bytes(), b"a");
    /// ```
    pub fn from_base64(text: &str) -> Result<Self, BlobDecodeError> {
        // Padded text comes in whole groups of four; anything else must carry no padding.
        let engine = if text.len().is_multiple_of(4) { &STANDARD } else { &STANDARD_NO_PAD };
        engine.decode(text).map(Blob).map_err(|e| BlobDecodeError { reason: e.to_string() })
    }
}

impl fmt::Debug for Blob {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Blob({} bytes)", self.0.len())
    }
}

impl AsRef<[u8]> for Blob {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

impl From<Vec<u8>> for Blob {
    fn from(value: Vec<u8>) -> Self {
        Blob(value)
    }
}

impl From<&[u8]> for Blob {
    fn from(value: &[u8]) -> Self {
        Blob(value.to_vec())
    }
}

impl From<Blob> for Vec<u8> {
    fn from(value: Blob) -> Self {
        value.0
    }
}

impl Serialize for Blob {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_base64())
    }
}

impl<'de> Deserialize<'de> for Blob {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(BlobVisitor)
    }
}

struct BlobVisitor;

impl<'de> Visitor<'de> for BlobVisitor {
    type Value = Blob;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a base64-encoded string")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Blob, E> {
        Blob::from_base64(v).map_err(E::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accessors_and_conversions() {
        let blob = Blob::new(b"abc".to_vec());
        assert_eq!(blob.as_bytes(), b"abc");
        assert_eq!(blob.as_ref(), b"abc");
        assert_eq!(blob.len(), 3);
        assert!(!blob.is_empty());
        assert_eq!(Blob::from(&b"abc"[..]), blob);
        assert_eq!(Blob::from(b"abc".to_vec()), blob);
        assert_eq!(Vec::from(blob.clone()), b"abc".to_vec());
        assert_eq!(blob.into_inner(), b"abc".to_vec());
        assert!(Blob::default().is_empty());
    }

    #[test]
    fn debug_hides_contents() {
        let blob = Blob::new(b"secret".to_vec());
        assert_eq!(format!("{blob:?}"), "Blob(6 bytes)");
    }

    #[test]
    fn serde_round_trip() {
        for bytes in [&b""[..], b"a", b"ab", b"abc", &[0, 255, 128, 7]] {
            let blob = Blob::from(bytes);
            let json = serde_json::to_string(&blob).unwrap();
            assert_eq!(serde_json::from_str::<Blob>(&json).unwrap(), blob);
        }
        assert_eq!(serde_json::to_string(&Blob::from(&b"ab"[..])).unwrap(), "\"YWI=\"");
    }

    #[test]
    fn accepts_unpadded() {
        assert_eq!(serde_json::from_str::<Blob>("\"YWI\"").unwrap().as_bytes(), b"ab");
        assert_eq!(serde_json::from_str::<Blob>("\"YQ\"").unwrap().as_bytes(), b"a");
    }

    #[test]
    fn rejects_invalid() {
        for json in ["\"@@@@\"", "\"YQ=\"", "\"Y\"", "\"YW I=\"", "42", "null", "[1,2]"] {
            assert!(serde_json::from_str::<Blob>(json).is_err(), "{json}");
        }
        let err = serde_json::from_str::<Blob>("\"@@@@\"").unwrap_err().to_string();
        assert!(err.contains("invalid base64"), "{err}");
        assert!(Blob::from_base64("!").unwrap_err().to_string().starts_with("invalid base64"));
    }
}
