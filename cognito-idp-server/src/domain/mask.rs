//! Where a code goes, and how its destination is shown back: `CodeDeliveryDetails` names the
//! medium, the attribute and the destination masked as Cognito masks it.
//!
//! Cognito's masks, as seen in real answers:
//! - email: the first character of the local part, `***@`, the first character of the domain,
//!   `***`, then the domain's last label: `jane@example.com` gives `j***@e***.com` (AWS CLI
//!   example `aws/aws-cli` awscli/examples/cognito-idp/forgot-password.rst; a real SignUp answer
//!   `a***@e***.com` for abel@example.com, and `a***@r***.ca` quoted in a project's comments).
//! - phone: `+`, one `*` per digit but the last four, then those four: `+********4114`
//!   (aws-amplify/amplify-js issue 2341 and several published SignUp answers; an 11-digit US
//!   number gives `+*******9934`, 7 stars).

use cognito_idp::types::{CodeDeliveryDetailsType, DeliveryMediumType};

/// How a code is sent: by email or by SMS.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Medium {
    /// To the `email` attribute.
    Email,
    /// To the `phone_number` attribute.
    Sms,
}

impl Medium {
    /// The wire name (`EMAIL`, `SMS`), also the outbox's `medium`.
    pub fn as_str(self) -> &'static str {
        match self {
            Medium::Email => "EMAIL",
            Medium::Sms => "SMS",
        }
    }

    /// The attribute the code goes to and verifies.
    pub fn attribute(self) -> &'static str {
        match self {
            Medium::Email => "email",
            Medium::Sms => "phone_number",
        }
    }

    /// The medium that sends to attribute `name` (`email` or `phone_number`).
    pub fn for_attribute(name: &str) -> Option<Medium> {
        match name {
            "email" => Some(Medium::Email),
            "phone_number" => Some(Medium::Sms),
            _ => None,
        }
    }
}

/// A code's delivery: the medium and the unmasked destination.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    /// Email or SMS.
    pub medium: Medium,
    /// The address or number, as the user's attribute holds it.
    pub destination: String,
}

impl Delivery {
    /// A delivery to `destination` by `medium`.
    pub fn new(medium: Medium, destination: impl Into<String>) -> Delivery {
        Delivery { medium, destination: destination.into() }
    }

    /// The destination as the API shows it.
    pub fn masked(&self) -> String {
        match self.medium {
            Medium::Email => mask_email(&self.destination),
            Medium::Sms => mask_phone(&self.destination),
        }
    }

    /// The `CodeDeliveryDetails` of an answer: masked destination, medium, attribute.
    pub fn details(&self) -> CodeDeliveryDetailsType {
        CodeDeliveryDetailsType {
            destination: Some(self.masked()),
            delivery_medium: Some(DeliveryMediumType::from(self.medium.as_str())),
            attribute_name: Some(self.medium.attribute().to_owned()),
        }
    }
}

/// `jane@example.com` as `j***@e***.com`.
pub fn mask_email(email: &str) -> String {
    let Some((local, domain)) = email.rsplit_once('@') else {
        return first_and_stars(email);
    };
    let mut masked = first_and_stars(local);
    masked.push('@');
    match domain.rsplit_once('.') {
        Some((host, tld)) if !host.is_empty() => {
            masked.push_str(&first_and_stars(host));
            masked.push('.');
            masked.push_str(tld);
        }
        _ => masked.push_str(&first_and_stars(domain)),
    }
    masked
}

/// `+14155550123` as `+*******0123`: every digit but the last four hidden.
pub fn mask_phone(phone: &str) -> String {
    let digits: Vec<char> = phone.chars().filter(|c| c.is_ascii_digit()).collect();
    let shown = digits.len().min(4);
    let mut masked = String::with_capacity(digits.len() + 1);
    masked.push('+');
    masked.extend(std::iter::repeat_n('*', digits.len() - shown));
    masked.extend(&digits[digits.len() - shown..]);
    masked
}

fn first_and_stars(part: &str) -> String {
    let mut masked: String = part.chars().take(1).collect();
    masked.push_str("***");
    masked
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_keep_first_letters_and_the_last_label() {
        assert_eq!(mask_email("jane@example.com"), "j***@e***.com");
        assert_eq!(mask_email("abel@example.com"), "a***@e***.com");
        assert_eq!(mask_email("a@b.c"), "a***@b***.c");
        assert_eq!(mask_email("diego@mail.example.co.uk"), "d***@m***.uk");
        assert_eq!(mask_email("ñandú@exámple.org"), "ñ***@e***.org");
        assert_eq!(mask_email("x@localhost"), "x***@l***");
    }

    #[test]
    fn phones_show_the_last_four_digits() {
        assert_eq!(mask_phone("+14155550123"), "+*******0123");
        assert_eq!(mask_phone("+447700900123"), "+********0123");
        assert_eq!(mask_phone("+123"), "+123");
    }

    #[test]
    fn details_name_medium_and_attribute() {
        let details = Delivery::new(Medium::Sms, "+14155550123").details();
        assert_eq!(details.destination.as_deref(), Some("+*******0123"));
        assert_eq!(details.delivery_medium.as_ref().map(|m| m.as_str()), Some("SMS"));
        assert_eq!(details.attribute_name.as_deref(), Some("phone_number"));
        assert_eq!(Medium::for_attribute("email"), Some(Medium::Email));
    }
}
