//! The one rule of the API's web ACL (`modules/api/main.tf`) the local stage can apply as AWS
//! does: the Log4j JNDI lookup of `AWSManagedRulesKnownBadInputsRuleSet` (`Log4JRCE`, its plain
//! `${jndi:` form), which looks at the request alone. The other rules need AWS's data (the IP
//! reputation and anonymous IP lists), a client IP that is not loopback (the per-IP rate rule), or
//! would refuse the local clients themselves (the known-bad-inputs group blocks `Host: localhost`,
//! the common rule set a request without `User-Agent`), so the stage leaves them to AWS. A blocked
//! request gets the document's WAF_FILTERED gateway response.

/// The lookup Log4Shell payloads start with; the managed rule matches it case-insensitively.
const JNDI_LOOKUP: &str = "${jndi:";

/// How much of a body API Gateway forwards to AWS WAF: the default 16 KB, which the web ACL
/// does not raise; body rules do not see past it.
const INSPECTED_BODY_BYTES: usize = 16 * 1024;

fn has_jndi_lookup(text: &str) -> bool {
    text.to_ascii_lowercase().contains(JNDI_LOOKUP)
}

/// Whether the Log4j rule blocks this request: a JNDI lookup in the URI path, the query string,
/// a header value, or the inspected part of the body.
pub fn blocks(request: &http::request::Parts, body: &[u8]) -> bool {
    let uri = &request.uri;
    let inspected_body = &body[..body.len().min(INSPECTED_BODY_BYTES)];
    has_jndi_lookup(&percent_decoded(uri.path()))
        || uri
            .query()
            .is_some_and(|q| has_jndi_lookup(&percent_decoded(q)))
        || request
            .headers
            .values()
            .any(|value| has_jndi_lookup(&String::from_utf8_lossy(value.as_bytes())))
        || has_jndi_lookup(&String::from_utf8_lossy(inspected_body))
}

/// The managed rule URL-decodes before matching, so `$%7Bjndi:` is caught too.
fn percent_decoded(text: &str) -> String {
    percent_encoding::percent_decode_str(text)
        .decode_utf8_lossy()
        .into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(uri: &str, header: Option<&str>) -> http::request::Parts {
        let mut builder = http::Request::builder().uri(uri);
        if let Some(value) = header {
            builder = builder.header(http::header::USER_AGENT, value);
        }
        builder.body(()).unwrap().into_parts().0
    }

    #[test]
    fn a_jndi_lookup_anywhere_the_rule_looks_is_blocked() {
        assert!(blocks(
            &parts("/applications", Some("${jndi:ldap://x/a}")),
            b""
        ));
        assert!(blocks(
            &parts("/applications?q=$%7BJNDI:dns://x", None),
            b""
        ));
        assert!(blocks(
            &parts("/applications", None),
            br#"{"policyVersion":"${jndi:rmi://x}"}"#
        ));
    }

    #[test]
    fn ordinary_requests_and_lookups_past_the_inspected_body_pass() {
        assert!(!blocks(
            &parts("/applications?x=1", Some("curl/8")),
            br#"{"a":"${env:HOME}"}"#
        ));
        let mut body = vec![b' '; INSPECTED_BODY_BYTES];
        body.extend_from_slice(JNDI_LOOKUP.as_bytes());
        assert!(!blocks(&parts("/applications", None), &body));
    }
}
