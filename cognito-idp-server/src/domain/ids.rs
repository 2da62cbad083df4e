//! Identifiers as Cognito makes them.

use rand::Rng;
use rand::distributions::Alphanumeric;

const LOWER_DIGITS: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";

/// A user pool id: the region, `_`, and nine letters and digits (`us-east-1_AbC123xyz`).
pub fn pool_id(region: &str) -> String {
    let suffix: String = rand::thread_rng().sample_iter(&Alphanumeric).take(9).map(char::from).collect();
    format!("{region}_{suffix}")
}

/// An app client id: 26 lowercase letters and digits.
pub fn client_id() -> String {
    let mut rng = rand::thread_rng();
    (0..26).map(|_| LOWER_DIGITS[rng.gen_range(0..LOWER_DIGITS.len())] as char).collect()
}

/// An app client secret: 51 lowercase letters and digits, as Cognito's are.
pub fn client_secret() -> String {
    let mut rng = rand::thread_rng();
    (0..51).map(|_| LOWER_DIGITS[rng.gen_range(0..LOWER_DIGITS.len())] as char).collect()
}

/// A user's `sub`: a random UUID.
pub fn sub() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// The ARN of a user pool.
pub fn pool_arn(region: &str, account: &str, pool_id: &str) -> String {
    format!("arn:aws:cognito-idp:{region}:{account}:userpool/{pool_id}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_have_cognitos_shapes() {
        let pool = pool_id("eu-west-1");
        assert!(pool.starts_with("eu-west-1_") && pool.len() == "eu-west-1_".len() + 9, "{pool}");
        let client = client_id();
        assert_eq!(client.len(), 26);
        assert!(client.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()));
        assert_ne!(client_id(), client_id());
        assert_eq!(client_secret().len(), 51);
        assert_eq!(uuid::Uuid::parse_str(&sub()).unwrap().get_version_num(), 4);
    }
}
