//! AWS JSON error bodies: the error code and message, wherever the service put them.

/// The error code from a `__type` value or `x-amzn-ErrorType` header: namespace prefixes
/// (`aws.cognito#UserNotFoundException`) and suffixes (`UserNotFoundException:http://...`) removed.
pub fn sanitize_error_code(raw: &str) -> &str {
    let code = raw.split(':').next().unwrap_or(raw);
    code.rsplit('#').next().unwrap_or(code).trim()
}

/// The error's code: `__type` (or `code`) in the body, else the `x-amzn-ErrorType` header.
pub fn error_code<'a>(body: &'a serde_json::Value, header: Option<&'a str>) -> Option<&'a str> {
    body.get("__type")
        .or_else(|| body.get("code"))
        .and_then(|v| v.as_str())
        .or(header)
        .map(sanitize_error_code)
        .filter(|c| !c.is_empty())
}

/// The code of an `x-amzn-query-error` header (`AWS.SimpleQueueService.NonExistentQueue;Sender`):
/// what boto3 and AWS's SDKs report as the code of an error of a JSON service that keeps its
/// query protocol's codes (AWS's `awsQueryCompatible`, SQS).
pub fn query_error_code(header: &str) -> Option<&str> {
    Some(header.split(';').next()?.trim()).filter(|c| !c.is_empty())
}

/// The body with the message under both `message` and `Message`, for modeled errors to parse.
///
/// Services send either spelling, and a model may name the member either way (Cognito's
/// `message`, Secrets Manager's `Message`, whose server sends `message`): whichever key the body
/// lacks gets the other's value, so an error structure finds its message under its own name.
pub fn normalize_error_body(mut body: serde_json::Value) -> serde_json::Value {
    if let Some(map) = body.as_object_mut() {
        for (from, to) in [("Message", "message"), ("message", "Message")] {
            if !map.contains_key(to)
                && let Some(m) = map.get(from).cloned()
            {
                map.insert(to.into(), m);
            }
        }
    }
    body
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_lose_namespaces_and_suffixes() {
        assert_eq!(sanitize_error_code("aws.cognito#UserNotFoundException"), "UserNotFoundException");
        assert_eq!(sanitize_error_code("UserNotFoundException:http://internal.amazon.com/"), "UserNotFoundException");
        assert_eq!(sanitize_error_code("a.b#C:d"), "C");
        let body = serde_json::json!({"__type": "x#Y", "Message": "m"});
        assert_eq!(error_code(&body, None), Some("Y"));
        assert_eq!(error_code(&serde_json::json!({}), Some("Z:http")), Some("Z"));
        assert_eq!(normalize_error_body(body)["message"], "m");
    }

    #[test]
    fn query_error_codes_lose_their_fault() {
        assert_eq!(
            query_error_code("AWS.SimpleQueueService.NonExistentQueue;Sender"),
            Some("AWS.SimpleQueueService.NonExistentQueue")
        );
        assert_eq!(query_error_code("Throttling;Receiver"), Some("Throttling"));
        assert_eq!(query_error_code("Plain"), Some("Plain"));
        assert_eq!(query_error_code(";Sender"), None);
    }

    #[test]
    fn the_message_is_found_under_either_spelling() {
        let lower = normalize_error_body(serde_json::json!({"__type": "X", "message": "lower"}));
        assert_eq!((&lower["message"], &lower["Message"]), (&"lower".into(), &"lower".into()));
        let upper = normalize_error_body(serde_json::json!({"__type": "X", "Message": "upper"}));
        assert_eq!((&upper["message"], &upper["Message"]), (&"upper".into(), &"upper".into()));
        // A body with both keeps each as sent.
        let both = normalize_error_body(serde_json::json!({"message": "a", "Message": "b"}));
        assert_eq!((&both["message"], &both["Message"]), (&"a".into(), &"b".into()));
        assert_eq!(normalize_error_body(serde_json::json!(null)), serde_json::json!(null));
    }
}
