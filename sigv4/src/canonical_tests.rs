use super::*;

#[test]
fn uri_encoding_keeps_only_unreserved_bytes() {
    let mut out = String::new();
    uri_encode(&mut out, "AZaz09-._~ /!*'()é", false);
    assert_eq!(out, "AZaz09-._~%20%2F%21%2A%27%28%29%C3%A9");
    let mut out = String::new();
    uri_encode(&mut out, "a/b", true);
    assert_eq!(out, "a/b");
}

#[test]
fn canonical_uri_normalizes_then_encodes_again() {
    for (path, expected) in [
        ("", "/"),
        ("/", "/"),
        ("//", "/"),
        ("relative/path", "/relative/path"),
        ("/a/b/", "/a/b/"),
        ("/a//b///c", "/a/b/c"),
        ("/a/./b/../c", "/a/c"),
        ("/a/b/.", "/a/b/"),
        ("/a/b/..", "/a/"),
        ("/a/b/../", "/a/"),
        ("/..", "/"),
        ("/../../a", "/a"),
        ("/.hidden/x.y", "/.hidden/x.y"),
        ("/a.b/", "/a.b/"),
        ("/%20space", "/%2520space"),
        ("/caf%C3%A9", "/caf%25C3%25A9"),
        ("/a:b,c;d=e", "/a%3Ab%2Cc%3Bd%3De"),
        ("/~user/-_.", "/~user/-_."),
        ("/raw space/é", "/raw%20space/%C3%A9"),
    ] {
        assert_eq!(canonical_uri(path), expected, "{path:?}");
    }
}

#[test]
fn canonical_query_sorts_and_reencodes() {
    for (query, expected) in [
        ("", ""),
        ("&&", ""),
        ("a", "a="),
        ("a=", "a="),
        ("=v", "=v"),
        ("b=1&a=2", "a=2&b=1"),
        ("a=2&a=1&a=10", "a=1&a=10&a=2"),
        ("x=a+b", "x=a%20b"),
        ("x=a%20b", "x=a%20b"),
        ("x=%2a%2F", "x=%2A%2F"),
        ("x=a=b", "x=a%3Db"),
        ("x=%zz&y=%4", "x=%25zz&y=%254"),
        ("x=%FF", "x=%EF%BF%BD"),
        ("x=~-._", "x=~-._"),
        ("Z=1&a=1&_=1", "Z=1&_=1&a=1"),
        ("k=%E2%82%AC&k=$", "k=%24&k=%E2%82%AC"),
        // Sorting is on the encoded text: "%2B" (a '+') sorts before letters.
        ("p=b&p=%2B", "p=%2B&p=b"),
    ] {
        assert_eq!(canonical_query(query), expected, "{query:?}");
    }
}

#[test]
fn header_values_lose_outer_and_repeated_spaces_only() {
    assert_eq!(trim_header_value("plain"), "plain");
    assert_eq!(trim_header_value("   "), "");
    assert_eq!(trim_header_value(" a  b   c "), "a b c");
    assert_eq!(trim_header_value("\ta \t b\t"), "\ta \t b\t");
}

#[test]
fn canonical_headers_group_and_sort() {
    let mut headers = CanonicalHeaders::default();
    headers.append("x-b", " 2 ");
    headers.append("x-a", "1");
    headers.append("x-b", "3  4");
    headers.insert("x-c", "old");
    headers.insert("x-c", "new");
    assert_eq!(headers.signed_names(), "x-a;x-b;x-c");
    let text = canonical_request("POST", "/", "b=2&a=1", &headers, "hash");
    assert_eq!(text, "POST\n/\na=1&b=2\nx-a:1\nx-b:2,3 4\nx-c:new\n\nx-a;x-b;x-c\nhash");
}

#[test]
fn header_names_and_values_are_checked() {
    assert!(is_header_name("x-amz-target") && is_header_name("X_Odd!"));
    assert!(!is_header_name("") && !is_header_name("a b") && !is_header_name("a:b") && !is_header_name("é"));
    assert!(is_header_value("a\tb é") && !is_header_value("a\r\nb") && !is_header_value("\u{7f}"));
}

#[test]
fn payload_hashes() {
    assert_eq!(Payload::Hash("UNSIGNED-PAYLOAD").hash(), "UNSIGNED-PAYLOAD");
    assert_eq!(Payload::Bytes(b"abc").hash(), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}
