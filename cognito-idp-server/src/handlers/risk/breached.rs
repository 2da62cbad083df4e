//! The compromised-credentials list: SHA-1 hashes of passwords known from public breaches.
//!
//! AWS checks passwords against breach corpora it does not publish. The server ships a small
//! list of the most common breached passwords (`data/breached-passwords.txt`) and adds a larger
//! one given with `--breached-passwords FILE`, in Have I Been Pwned's download format (upper-case
//! hex SHA-1, optionally `:count`, one per line), so a password is checked without being stored
//! or sent anywhere. SHA-1 is the format's, not a choice for storing passwords: the list holds
//! only hashes of passwords already public.

use std::collections::HashSet;
use std::path::Path;
use std::sync::OnceLock;

/// The list shipped in the repository.
const SHIPPED: &str = include_str!("../../../data/breached-passwords.txt");

static LIST: OnceLock<HashSet<[u8; 20]>> = OnceLock::new();

/// Reads hashes from `text`, skipping comments, blank lines and anything else malformed.
fn parse(text: &str, into: &mut HashSet<[u8; 20]>) {
    for line in text.lines() {
        let hash = line.split(':').next().unwrap_or_default().trim();
        if hash.len() != 40 || hash.starts_with('#') {
            continue;
        }
        let mut bytes = [0u8; 20];
        let ok = (0..20).all(|i| match u8::from_str_radix(&hash[2 * i..2 * i + 2], 16) {
            Ok(b) => {
                bytes[i] = b;
                true
            }
            Err(_) => false,
        });
        if ok {
            into.insert(bytes);
        }
    }
}

/// Loads the shipped list and, if given, the file at `extra` (once per process; a later call
/// changes nothing). Returns how many hashes the list holds.
pub fn load(extra: Option<&Path>) -> Result<usize, String> {
    let mut set = HashSet::new();
    parse(SHIPPED, &mut set);
    if let Some(path) = extra {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("reading the breached-password list {}: {e}", path.display()))?;
        parse(&text, &mut set);
    }
    Ok(LIST.get_or_init(|| set).len())
}

/// Whether `password` is on the list.
pub fn contains(password: &str) -> bool {
    let list = LIST.get_or_init(|| {
        let mut set = HashSet::new();
        parse(SHIPPED, &mut set);
        set
    });
    let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA1_FOR_LEGACY_USE_ONLY, password.as_bytes());
    let mut bytes = [0u8; 20];
    bytes.copy_from_slice(digest.as_ref());
    list.contains(&bytes)
}

#[cfg(test)]
mod tests {
    #[test]
    fn common_passwords_are_listed_and_others_are_not() {
        assert!(super::contains("P@ssw0rd"));
        assert!(super::contains("password"));
        assert!(!super::contains("correct horse battery staple 7!"));
    }
}
