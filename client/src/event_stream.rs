//! AWS event streams (`application/vnd.amazon.eventstream`): the binary frames in which services
//! such as Kinesis (`SubscribeToShard`) and CloudWatch Logs (`StartLiveTail`) stream events.
//!
//! A frame is a prelude (total length, headers length, both big-endian `u32`, and the CRC-32 of
//! those 8 bytes), the headers, the payload and the CRC-32 of everything before it. Each header
//! is a name (`u8` length, UTF-8), a type byte and a value. An event's headers say what it is:
//! `:message-type` is `event` (with `:event-type`, the member of the stream's union), `exception`
//! (with `:exception-type`, a modeled error) or `error` (`:error-code`, `:error-message`); the
//! payload is the member's JSON.
//!
//! [`Decoder`] reads frames from bytes as they arrive, checking both CRCs; [`encode`] writes one
//! (servers, and tests that need frames).
//!
//! ```
//! use awsjson_client::event_stream::{Decoder, Event, Header, HeaderValue, Message, encode};
//!
//! let message = Message::event("SubscribeToShardEvent", br#"{"Records": []}"#.to_vec());
//! let frame = encode(&message);
//! let mut decoder = Decoder::new();
//! decoder.push(&frame[..10]);
//! assert!(decoder.next_message().unwrap().is_none()); // not all of it yet
//! decoder.push(&frame[10..]);
//! let read = decoder.next_message().unwrap().unwrap();
//! assert_eq!(read, message);
//! assert!(matches!(read.as_event(), Ok(Event::Event { event_type: "SubscribeToShardEvent", .. })));
//! ```

use std::fmt;

/// A header's value, by its wire type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HeaderValue {
    /// Types 0 (true) and 1 (false).
    Bool(bool),
    /// Type 2.
    Byte(i8),
    /// Type 3.
    Short(i16),
    /// Type 4.
    Int(i32),
    /// Type 5.
    Long(i64),
    /// Type 6: at most 65535 bytes.
    Bytes(Vec<u8>),
    /// Type 7: at most 65535 bytes of UTF-8.
    String(String),
    /// Type 8: milliseconds since the Unix epoch.
    Timestamp(i64),
    /// Type 9.
    Uuid([u8; 16]),
}

/// One header: name and value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    /// At most 255 bytes of UTF-8.
    pub name: String,
    /// The value.
    pub value: HeaderValue,
}

/// One frame: its headers, in order, and its payload.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Message {
    /// The headers, in wire order.
    pub headers: Vec<Header>,
    /// The payload (an event's JSON).
    pub payload: Vec<u8>,
}

/// What a message of an AWS event stream says, from its `:message-type` headers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event<'a> {
    /// An event: `event_type` names the stream union's member, `payload` is its JSON.
    Event {
        /// `:event-type`.
        event_type: &'a str,
        /// The member's JSON.
        payload: &'a [u8],
    },
    /// A modeled error ended the stream: `exception_type` names it, `payload` is its JSON.
    Exception {
        /// `:exception-type`.
        exception_type: &'a str,
        /// The error's JSON.
        payload: &'a [u8],
    },
    /// An error the model does not describe ended the stream.
    Error {
        /// `:error-code`.
        code: &'a str,
        /// `:error-message`, if any.
        message: Option<&'a str>,
    },
}

/// A frame that cannot be read: the stream cannot go on after it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FrameError {
    /// The prelude's CRC does not match its lengths.
    PreludeCrc,
    /// The frame's CRC does not match its content.
    MessageCrc,
    /// The lengths do not describe a frame (shorter than its prelude and CRCs, headers longer
    /// than the frame, or larger than [`MAX_FRAME`]).
    Length(u32),
    /// A header is cut short, not UTF-8, or of an unknown type.
    Header(String),
    /// The message has no or an unknown `:message-type`, or lacks the header its type needs.
    Kind(String),
}

impl fmt::Display for FrameError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FrameError::PreludeCrc => f.write_str("event stream frame: the prelude's CRC does not match"),
            FrameError::MessageCrc => f.write_str("event stream frame: the message's CRC does not match"),
            FrameError::Length(n) => write!(f, "event stream frame: impossible length {n}"),
            FrameError::Header(why) => write!(f, "event stream frame: bad header: {why}"),
            FrameError::Kind(why) => write!(f, "event stream message: {why}"),
        }
    }
}

impl std::error::Error for FrameError {}

/// The largest frame read: AWS's limit for event stream messages is 16 MiB of payload and 128
/// KiB of headers; a larger length is a corrupt stream, not something to buffer.
pub const MAX_FRAME: u32 = 16 * 1024 * 1024 + 128 * 1024 + 16;

/// Prelude (12 bytes) plus the message CRC (4).
const OVERHEAD: u32 = 16;

impl Message {
    /// An event message: `:message-type` `event`, `:event-type`, `:content-type`
    /// `application/json`, and the member's JSON as the payload.
    pub fn event(event_type: &str, payload: Vec<u8>) -> Self {
        let string = |name: &str, value: &str| Header { name: name.into(), value: HeaderValue::String(value.into()) };
        Message {
            headers: vec![
                string(":message-type", "event"),
                string(":event-type", event_type),
                string(":content-type", "application/json"),
            ],
            payload,
        }
    }

    /// The value of the first header named `name`.
    pub fn header(&self, name: &str) -> Option<&HeaderValue> {
        self.headers.iter().find(|h| h.name == name).map(|h| &h.value)
    }

    /// The value of the first header named `name`, if it is a string.
    pub fn string_header(&self, name: &str) -> Option<&str> {
        match self.header(name) {
            Some(HeaderValue::String(s)) => Some(s),
            _ => None,
        }
    }

    /// What the message is, by its `:message-type`.
    pub fn as_event(&self) -> Result<Event<'_>, FrameError> {
        let needed =
            |name: &str| self.string_header(name).ok_or_else(|| FrameError::Kind(format!("no string header {name}")));
        match needed(":message-type")? {
            "event" => Ok(Event::Event { event_type: needed(":event-type")?, payload: &self.payload }),
            "exception" => Ok(Event::Exception { exception_type: needed(":exception-type")?, payload: &self.payload }),
            "error" => Ok(Event::Error { code: needed(":error-code")?, message: self.string_header(":error-message") }),
            other => Err(FrameError::Kind(format!("unknown :message-type {other:?}"))),
        }
    }
}

/// Reads frames from a byte stream, however its chunks split them.
#[derive(Debug, Default)]
pub struct Decoder {
    buffer: Vec<u8>,
}

impl Decoder {
    /// A decoder with nothing read yet.
    pub fn new() -> Self {
        Decoder::default()
    }

    /// Adds bytes as they arrive.
    pub fn push(&mut self, bytes: &[u8]) {
        self.buffer.extend_from_slice(bytes);
    }

    /// Bytes received that are not yet a whole frame.
    pub fn pending(&self) -> usize {
        self.buffer.len()
    }

    /// The next whole frame, `None` until all of it has arrived. After an error the stream is
    /// corrupt: nothing after it can be trusted to start a frame.
    pub fn next_message(&mut self) -> Result<Option<Message>, FrameError> {
        if self.buffer.len() < 12 {
            return Ok(None);
        }
        let total = be_u32(&self.buffer[0..4]);
        let headers_len = be_u32(&self.buffer[4..8]);
        if crc32(&self.buffer[0..8]) != be_u32(&self.buffer[8..12]) {
            return Err(FrameError::PreludeCrc);
        }
        if !(OVERHEAD..=MAX_FRAME).contains(&total) || headers_len > total - OVERHEAD {
            return Err(FrameError::Length(total));
        }
        let total = total as usize;
        if self.buffer.len() < total {
            return Ok(None);
        }
        let frame: Vec<u8> = self.buffer.drain(..total).collect();
        if crc32(&frame[..total - 4]) != be_u32(&frame[total - 4..]) {
            return Err(FrameError::MessageCrc);
        }
        let headers_end = 12 + headers_len as usize;
        let headers = read_headers(&frame[12..headers_end])?;
        Ok(Some(Message { headers, payload: frame[headers_end..total - 4].to_vec() }))
    }
}

fn be_u32(bytes: &[u8]) -> u32 {
    u32::from_be_bytes([bytes[0], bytes[1], bytes[2], bytes[3]])
}

fn read_headers(mut bytes: &[u8]) -> Result<Vec<Header>, FrameError> {
    fn take<'a>(bytes: &mut &'a [u8], n: usize, what: &str) -> Result<&'a [u8], FrameError> {
        if bytes.len() < n {
            return Err(FrameError::Header(format!("{what} is cut short")));
        }
        let (head, rest) = bytes.split_at(n);
        *bytes = rest;
        Ok(head)
    }
    let utf8 = |raw: &[u8], what: &str| {
        String::from_utf8(raw.to_vec()).map_err(|_| FrameError::Header(format!("{what} is not UTF-8")))
    };
    let mut headers = Vec::new();
    while !bytes.is_empty() {
        let name_len = take(&mut bytes, 1, "a header name's length")?[0] as usize;
        let name = utf8(take(&mut bytes, name_len, "a header name")?, "a header name")?;
        let kind = take(&mut bytes, 1, "a header type")?[0];
        let mut fixed = |n: usize| take(&mut bytes, n, &name).map(<[u8]>::to_vec);
        let value = match kind {
            0 => HeaderValue::Bool(true),
            1 => HeaderValue::Bool(false),
            2 => HeaderValue::Byte(fixed(1)?[0] as i8),
            3 => HeaderValue::Short(i16::from_be_bytes(fixed(2)?.try_into().expect("2 bytes"))),
            4 => HeaderValue::Int(i32::from_be_bytes(fixed(4)?.try_into().expect("4 bytes"))),
            5 => HeaderValue::Long(i64::from_be_bytes(fixed(8)?.try_into().expect("8 bytes"))),
            8 => HeaderValue::Timestamp(i64::from_be_bytes(fixed(8)?.try_into().expect("8 bytes"))),
            9 => HeaderValue::Uuid(fixed(16)?.try_into().expect("16 bytes")),
            6 | 7 => {
                let len = u16::from_be_bytes(fixed(2)?.try_into().expect("2 bytes")) as usize;
                let raw = fixed(len)?;
                if kind == 6 { HeaderValue::Bytes(raw) } else { HeaderValue::String(utf8(&raw, &name)?) }
            }
            other => return Err(FrameError::Header(format!("{name}: unknown type {other}"))),
        };
        headers.push(Header { name, value });
    }
    Ok(headers)
}

/// One frame of `message`.
///
/// # Panics
///
/// When a header name is over 255 bytes or a string or byte header over 65535: those are
/// programming errors, not data a stream can carry.
pub fn encode(message: &Message) -> Vec<u8> {
    let mut headers = Vec::new();
    for header in &message.headers {
        let name = header.name.as_bytes();
        headers.push(u8::try_from(name.len()).expect("a header name is at most 255 bytes"));
        headers.extend_from_slice(name);
        let mut variable = |kind: u8, raw: &[u8]| {
            headers.push(kind);
            headers.extend_from_slice(&u16::try_from(raw.len()).expect("at most 65535 bytes").to_be_bytes());
            headers.extend_from_slice(raw);
        };
        match &header.value {
            HeaderValue::Bytes(raw) => variable(6, raw),
            HeaderValue::String(text) => variable(7, text.as_bytes()),
            fixed => {
                let (kind, raw): (u8, Vec<u8>) = match fixed {
                    HeaderValue::Bool(true) => (0, vec![]),
                    HeaderValue::Bool(false) => (1, vec![]),
                    HeaderValue::Byte(v) => (2, v.to_be_bytes().to_vec()),
                    HeaderValue::Short(v) => (3, v.to_be_bytes().to_vec()),
                    HeaderValue::Int(v) => (4, v.to_be_bytes().to_vec()),
                    HeaderValue::Long(v) => (5, v.to_be_bytes().to_vec()),
                    HeaderValue::Timestamp(v) => (8, v.to_be_bytes().to_vec()),
                    HeaderValue::Uuid(v) => (9, v.to_vec()),
                    HeaderValue::Bytes(_) | HeaderValue::String(_) => unreachable!("handled above"),
                };
                headers.push(kind);
                headers.extend_from_slice(&raw);
            }
        }
    }
    let total = OVERHEAD as usize + headers.len() + message.payload.len();
    let mut frame = Vec::with_capacity(total);
    frame.extend_from_slice(&(total as u32).to_be_bytes());
    frame.extend_from_slice(&(headers.len() as u32).to_be_bytes());
    frame.extend_from_slice(&crc32(&frame[..8]).to_be_bytes());
    frame.extend_from_slice(&headers);
    frame.extend_from_slice(&message.payload);
    frame.extend_from_slice(&crc32(&frame).to_be_bytes());
    frame
}

/// CRC-32 (IEEE 802.3, the one zlib computes), bit by bit over a table built at compile time:
/// frames are small and few, and a CRC crate would be one more dependency to build.
fn crc32(bytes: &[u8]) -> u32 {
    const TABLE: [u32; 256] = {
        let mut table = [0u32; 256];
        let mut i = 0;
        while i < 256 {
            let mut c = i as u32;
            let mut k = 0;
            while k < 8 {
                c = if c & 1 != 0 { 0xEDB8_8320 ^ (c >> 1) } else { c >> 1 };
                k += 1;
            }
            table[i] = c;
            i += 1;
        }
        table
    };
    !bytes.iter().fold(!0u32, |crc, &b| TABLE[((crc ^ b as u32) & 0xff) as usize] ^ (crc >> 8))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn every_kind() -> Message {
        let header = |name: &str, value| Header { name: name.into(), value };
        Message {
            headers: vec![
                header("t", HeaderValue::Bool(true)),
                header("f", HeaderValue::Bool(false)),
                header("byte", HeaderValue::Byte(-2)),
                header("short", HeaderValue::Short(-300)),
                header("int", HeaderValue::Int(-70_000)),
                header("long", HeaderValue::Long(-5_000_000_000)),
                header("bytes", HeaderValue::Bytes(vec![0, 0xff])),
                header("string", HeaderValue::String("é".into())),
                header("time", HeaderValue::Timestamp(1_735_732_800_123)),
                header("uuid", HeaderValue::Uuid([7; 16])),
            ],
            payload: b"{\"a\": 1}".to_vec(),
        }
    }

    #[test]
    fn crc32_is_zlibs() {
        // The CRC-32 check value of "123456789", and of nothing.
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        assert_eq!(crc32(b""), 0);
    }

    #[test]
    fn every_header_kind_round_trips_byte_by_byte() {
        let message = every_kind();
        let mut two = encode(&message);
        two.extend(encode(&Message::event("E", Vec::new())));
        let mut decoder = Decoder::new();
        let mut read = Vec::new();
        for byte in &two {
            decoder.push(std::slice::from_ref(byte));
            while let Some(m) = decoder.next_message().unwrap() {
                read.push(m);
            }
        }
        assert_eq!(read, [message, Message::event("E", Vec::new())]);
        assert_eq!(decoder.pending(), 0);
    }

    #[test]
    fn corrupt_frames_are_errors() {
        let frame = encode(&every_kind());
        let at = |i: usize| {
            let mut bad = frame.clone();
            bad[i] ^= 1;
            let mut decoder = Decoder::new();
            decoder.push(&bad);
            decoder.next_message()
        };
        assert_eq!(at(1), Err(FrameError::PreludeCrc));
        assert_eq!(at(9), Err(FrameError::PreludeCrc));
        assert_eq!(at(20), Err(FrameError::MessageCrc));
        assert_eq!(at(frame.len() - 1), Err(FrameError::MessageCrc));

        // Lengths that cannot be a frame are refused before anything is buffered for them.
        let mut huge = (MAX_FRAME + 1).to_be_bytes().to_vec();
        huge.extend(0u32.to_be_bytes());
        huge.extend(crc32(&huge).to_be_bytes());
        let mut decoder = Decoder::new();
        decoder.push(&huge);
        assert_eq!(decoder.next_message(), Err(FrameError::Length(MAX_FRAME + 1)));
    }

    #[test]
    fn message_types_are_told_apart() {
        let string = |name: &str, value: &str| Header { name: name.into(), value: HeaderValue::String(value.into()) };
        let with = |headers: Vec<Header>| Message { headers, payload: b"{}".to_vec() };
        let exception = with(vec![string(":message-type", "exception"), string(":exception-type", "Boom")]);
        assert_eq!(exception.as_event(), Ok(Event::Exception { exception_type: "Boom", payload: b"{}" }));
        let error =
            with(vec![string(":message-type", "error"), string(":error-code", "E"), string(":error-message", "m")]);
        assert_eq!(error.as_event(), Ok(Event::Error { code: "E", message: Some("m") }));
        assert!(matches!(with(vec![string(":message-type", "event")]).as_event(), Err(FrameError::Kind(_))));
        assert!(matches!(with(vec![]).as_event(), Err(FrameError::Kind(_))));
    }
}
