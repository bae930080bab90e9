//! The route table: one list that both the Lambda dispatch and the local stage read, and that
//! a test checks against the OpenAPI document API Gateway is built from.

use http::Method;

/// A Lambda function, named by its `handler` attribute (which Lambda exposes as `_HANDLER`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Function {
    Applications,
    CreateLivenessSession,
    GetLivenessResults,
    CreateUploadUrl,
    VerifyIdentity,
    StartLendingAnalysis,
    GetLendingAnalysisResults,
    LendingAnalysisCompleted,
    /// Every `/review` route: the reviewers' queue, cases, decisions and audit trails.
    Review,
    /// The SQS consumer of decision events: signed webhooks to the lenders' endpoints.
    DeliverDecisionEvents,
    /// `DELETE /applications/{applicationId}`: erasure, a function of its own because it alone
    /// (besides the decision and review) reads biometric images, to keep them as evidence.
    EraseApplication,
    /// The late-write sweep after erasures, on a schedule.
    SweepErasures,
}

impl Function {
    pub const ALL: [Function; 12] = [
        Function::Applications,
        Function::CreateLivenessSession,
        Function::GetLivenessResults,
        Function::CreateUploadUrl,
        Function::VerifyIdentity,
        Function::StartLendingAnalysis,
        Function::GetLendingAnalysisResults,
        Function::LendingAnalysisCompleted,
        Function::Review,
        Function::DeliverDecisionEvents,
        Function::EraseApplication,
        Function::SweepErasures,
    ];

    pub fn handler_name(self) -> &'static str {
        match self {
            Function::Applications => "applications",
            Function::CreateLivenessSession => "create-liveness-session",
            Function::GetLivenessResults => "get-liveness-results",
            Function::CreateUploadUrl => "create-upload-url",
            Function::VerifyIdentity => "verify-identity",
            Function::StartLendingAnalysis => "start-lending-analysis",
            Function::GetLendingAnalysisResults => "get-lending-analysis-results",
            Function::LendingAnalysisCompleted => "lending-analysis-completed",
            Function::Review => "review",
            Function::DeliverDecisionEvents => "deliver-decision-events",
            Function::EraseApplication => "erase-application",
            Function::SweepErasures => "sweep-erasures",
        }
    }

    pub fn from_handler_name(name: &str) -> Option<Function> {
        Function::ALL.into_iter().find(|f| f.handler_name() == name)
    }
}

/// One API operation. An operation that is a function of its own has the function's name; the
/// operations [`Function::Applications`] serves are named for what each does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Operation {
    CreateApplication,
    ListApplications,
    GetApplication,
    EraseApplication,
    GiveConsent,
    CreateLivenessSession,
    GetLivenessResults,
    CreateUploadUrl,
    VerifyIdentity,
    StartLendingAnalysis,
    GetLendingAnalysisResults,
    ListApplicationEvents,
    ListReviewCases,
    GetReviewCase,
    DecideReviewCase,
    ListReviewCaseEvents,
}

#[derive(Debug)]
pub struct Route {
    pub method: Method,
    /// The API Gateway resource path, with `{name}` path parameters.
    pub resource: &'static str,
    pub operation: Operation,
    pub function: Function,
}

macro_rules! route {
    ($method:ident, $resource:literal, $operation:ident, $function:ident) => {
        Route {
            method: Method::$method,
            resource: $resource,
            operation: Operation::$operation,
            function: Function::$function,
        }
    };
}

pub static ROUTES: [Route; 16] = [
    route!(POST, "/applications", CreateApplication, Applications),
    route!(GET, "/applications", ListApplications, Applications),
    route!(
        GET,
        "/applications/{applicationId}",
        GetApplication,
        Applications
    ),
    route!(
        DELETE,
        "/applications/{applicationId}",
        EraseApplication,
        EraseApplication
    ),
    route!(
        PUT,
        "/applications/{applicationId}/consent",
        GiveConsent,
        Applications
    ),
    route!(
        POST,
        "/applications/{applicationId}/liveness-sessions",
        CreateLivenessSession,
        CreateLivenessSession
    ),
    route!(
        GET,
        "/applications/{applicationId}/liveness-sessions/{sessionId}",
        GetLivenessResults,
        GetLivenessResults
    ),
    route!(
        POST,
        "/applications/{applicationId}/uploads",
        CreateUploadUrl,
        CreateUploadUrl
    ),
    route!(
        POST,
        "/applications/{applicationId}/identity-verifications",
        VerifyIdentity,
        VerifyIdentity
    ),
    route!(
        POST,
        "/applications/{applicationId}/documents",
        StartLendingAnalysis,
        StartLendingAnalysis
    ),
    route!(
        GET,
        "/applications/{applicationId}/documents/{documentId}",
        GetLendingAnalysisResults,
        GetLendingAnalysisResults
    ),
    route!(
        GET,
        "/applications/{applicationId}/events",
        ListApplicationEvents,
        Applications
    ),
    route!(GET, "/review/cases", ListReviewCases, Review),
    route!(GET, "/review/cases/{applicationId}", GetReviewCase, Review),
    route!(
        POST,
        "/review/cases/{applicationId}/decisions",
        DecideReviewCase,
        Review
    ),
    route!(
        GET,
        "/review/cases/{applicationId}/events",
        ListReviewCaseEvents,
        Review
    ),
];

/// The route API Gateway matched, from its resource path.
pub fn by_resource(method: &Method, resource: &str) -> Option<&'static Route> {
    ROUTES
        .iter()
        .find(|r| r.method == *method && r.resource == resource)
}

/// A matched route and its path parameters, in template order.
pub type PathMatch = (&'static Route, Vec<(String, String)>);

/// The path exists, but not with this method (405).
#[derive(Debug, PartialEq, Eq)]
pub struct MethodNotAllowed;

/// Matches a concrete path the way API Gateway does, returning the route and its path
/// parameters.
pub fn match_path(method: &Method, path: &str) -> Result<Option<PathMatch>, MethodNotAllowed> {
    let segments: Vec<&str> = path.trim_end_matches('/').split('/').collect();
    let mut path_known = false;
    for route in &ROUTES {
        let template: Vec<&str> = route.resource.split('/').collect();
        if template.len() != segments.len() {
            continue;
        }
        let mut params = Vec::new();
        let matched = template.iter().zip(&segments).all(|(t, s)| {
            match t.strip_prefix('{').and_then(|t| t.strip_suffix('}')) {
                Some(name) if !s.is_empty() => {
                    params.push((name.to_string(), s.to_string()));
                    true
                }
                Some(_) => false,
                None => t == s,
            }
        });
        if matched {
            if route.method == *method {
                return Ok(Some((route, params)));
            }
            path_known = true;
        }
    }
    if path_known {
        Err(MethodNotAllowed)
    } else {
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_function_has_a_unique_handler_name() {
        for f in Function::ALL {
            assert_eq!(Function::from_handler_name(f.handler_name()), Some(f));
        }
        assert_eq!(Function::from_handler_name("nope"), None);
    }

    /// The OpenAPI document API Gateway is built from and this table must describe the same API:
    /// every route here is an operation there, and there are no other (non-OPTIONS) operations.
    #[test]
    fn route_table_matches_the_openapi_document() {
        let document = include_str!("../../../modules/api/openapi.yaml.tftpl");
        let mut operations = Vec::new();
        let mut path = "";
        for line in document.lines() {
            if let Some(p) = line.strip_prefix("  /").and_then(|p| p.strip_suffix(':')) {
                path = p;
            } else if let Some(m) = line.strip_prefix("    ").and_then(|m| m.strip_suffix(':')) {
                if !path.is_empty() && m != "options" && m.chars().all(|c| c.is_ascii_lowercase()) {
                    operations.push((m.to_uppercase(), format!("/{path}")));
                }
            } else if !line.starts_with(' ') && !line.is_empty() {
                path = "";
            }
        }
        let mut expected: Vec<(String, String)> = ROUTES
            .iter()
            .map(|r| (r.method.to_string(), r.resource.to_string()))
            .collect();
        operations.sort();
        expected.sort();
        assert_eq!(operations, expected);
    }

    #[test]
    fn paths_match_like_api_gateway() {
        let (route, params) = match_path(&Method::GET, "/applications/a1/documents/d1")
            .unwrap()
            .unwrap();
        assert_eq!(route.operation, Operation::GetLendingAnalysisResults);
        assert_eq!(
            params,
            vec![
                ("applicationId".to_string(), "a1".to_string()),
                ("documentId".to_string(), "d1".to_string())
            ]
        );
        assert!(match_path(&Method::PUT, "/applications").is_err());
        assert!(match_path(&Method::GET, "/nothing").unwrap().is_none());
        assert!(match_path(&Method::GET, "/applications//documents/x")
            .unwrap()
            .is_none());
    }
}
