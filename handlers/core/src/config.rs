//! Decision thresholds and the other tunables, read from the environment once at init.
//!
//! Every variable is validated up front: a Lambda that starts with a typo in a threshold must
//! fail its init (visible in deployment) rather than approve applicants with a silently
//! defaulted value. The decision thresholds are required. The limits added with the review
//! workflow (lockout, attempt cap, reviewers group, audit retention) have documented defaults
//! (the `DEFAULT_*` constants, which Terraform repeats) so an environment that predates them
//! keeps AWS's recommended limits; set but malformed, they fail init like the others. Reading
//! goes through a `lookup` closure so tests never touch the process environment.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::quotas::{
    Quotas, APPLICATIONS_PER_DAY_RANGE, DEFAULT_APPLICATIONS_PER_DAY,
    DEFAULT_LENDING_JOBS_PER_APPLICATION, DEFAULT_MAX_UPLOAD_BYTES,
    DEFAULT_UPLOADS_PER_APPLICATION, LENDING_JOBS_PER_APPLICATION_RANGE, MAX_UPLOAD_BYTES_RANGE,
    UPLOADS_PER_APPLICATION_RANGE,
};

/// Why a configuration variable was rejected; always names the variable so the operator knows
/// which Terraform input to fix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    /// The variable is unset or empty.
    #[error("environment variable {name} is missing or empty")]
    Missing {
        /// Variable name.
        name: String,
    },
    /// The variable is set but does not parse as the expected number.
    #[error("environment variable {name} is not a number: {value:?}")]
    NotANumber {
        /// Variable name.
        name: String,
        /// The offending value (configuration is not secret; showing it speeds up the fix).
        value: String,
    },
    /// The variable parses but is outside its allowed range.
    #[error("environment variable {name} is out of range: {reason}")]
    OutOfRange {
        /// Variable name.
        name: String,
        /// Which range was expected.
        reason: String,
    },
    /// The variable is not a valid value of its kind (e.g. an unknown checklist item).
    #[error("environment variable {name} is invalid: {reason}")]
    Invalid {
        /// Variable name.
        name: String,
        /// What is wrong with it.
        reason: String,
    },
}

/// Reads a required variable; unset, empty or whitespace-only all count as missing, because
/// Terraform renders an unset optional input as an empty string.
///
/// Takes the lookup by value so both closures and `&closure` can be passed repeatedly.
pub fn require(lookup: impl Fn(&str) -> Option<String>, name: &str) -> Result<String, ConfigError> {
    match lookup(name) {
        Some(v) if !v.trim().is_empty() => Ok(v.trim().to_owned()),
        _ => Err(ConfigError::Missing {
            name: name.to_owned(),
        }),
    }
}

fn require_f32(
    lookup: impl Fn(&str) -> Option<String>,
    name: &str,
    min: f32,
    max: f32,
) -> Result<f32, ConfigError> {
    let raw = require(lookup, name)?;
    let value: f32 = raw.parse().map_err(|_| ConfigError::NotANumber {
        name: name.to_owned(),
        value: raw.clone(),
    })?;
    if !value.is_finite() {
        return Err(ConfigError::NotANumber {
            name: name.to_owned(),
            value: raw,
        });
    }
    if !(min..=max).contains(&value) {
        return Err(ConfigError::OutOfRange {
            name: name.to_owned(),
            reason: format!("{value} is not within {min}..={max}"),
        });
    }
    Ok(value)
}

/// Like [`require_int`], but an unset or empty variable takes `default`.
fn optional_int<T>(
    lookup: impl Fn(&str) -> Option<String>,
    name: &str,
    min: T,
    max: T,
    default: T,
) -> Result<T, ConfigError>
where
    T: FromStr + PartialOrd + fmt::Display + Copy,
{
    match lookup(name) {
        Some(v) if !v.trim().is_empty() => require_int(|_: &str| Some(v.clone()), name, min, max),
        _ => Ok(default),
    }
}

fn require_int<T>(
    lookup: impl Fn(&str) -> Option<String>,
    name: &str,
    min: T,
    max: T,
) -> Result<T, ConfigError>
where
    T: FromStr + PartialOrd + fmt::Display + Copy,
{
    let raw = require(lookup, name)?;
    // A value that parses as a wider integer is a range problem, not a typo; say so.
    let value: T = match raw.parse() {
        Ok(v) => v,
        Err(_) if raw.parse::<i128>().is_ok() => {
            return Err(ConfigError::OutOfRange {
                name: name.to_owned(),
                reason: format!("{raw} is not within {min}..={max}"),
            })
        }
        Err(_) => {
            return Err(ConfigError::NotANumber {
                name: name.to_owned(),
                value: raw,
            })
        }
    };
    if value < min || value > max {
        return Err(ConfigError::OutOfRange {
            name: name.to_owned(),
            reason: format!("{value} is not within {min}..={max}"),
        });
    }
    Ok(value)
}

/// Environment variable names, shared with Terraform and the local stage.
pub mod vars {
    /// Liveness confidence at or above which liveness passes.
    pub const LIVENESS_PASS_THRESHOLD: &str = "LIVENESS_PASS_THRESHOLD";
    /// Width below the pass threshold that still goes to review.
    pub const LIVENESS_REVIEW_BAND: &str = "LIVENESS_REVIEW_BAND";
    /// CompareFaces similarity for a match.
    pub const FACE_SIMILARITY_THRESHOLD: &str = "FACE_SIMILARITY_THRESHOLD";
    /// Width below the similarity threshold that goes to review.
    pub const FACE_SIMILARITY_REVIEW_BAND: &str = "FACE_SIMILARITY_REVIEW_BAND";
    /// AnalyzeID field confidence below which a field needs review.
    pub const MIN_EXTRACTION_CONFIDENCE: &str = "MIN_EXTRACTION_CONFIDENCE";
    /// Applicant minimum age in years.
    pub const MINIMUM_AGE: &str = "MINIMUM_AGE";
    /// Rekognition `AuditImagesLimit`.
    pub const LIVENESS_AUDIT_IMAGES_LIMIT: &str = "LIVENESS_AUDIT_IMAGES_LIMIT";
    /// Presigned PUT lifetime in seconds.
    pub const UPLOAD_URL_TTL_SECONDS: &str = "UPLOAD_URL_TTL_SECONDS";
    /// Applications one caller may create per 24 hours ([`crate::quotas`]).
    pub const APPLICATIONS_PER_DAY: &str = "APPLICATIONS_PER_DAY";
    /// Upload URLs one application may request per 24 hours.
    pub const UPLOADS_PER_APPLICATION: &str = "UPLOADS_PER_APPLICATION";
    /// Largest upload in bytes, whatever its purpose allows.
    pub const MAX_UPLOAD_BYTES: &str = "MAX_UPLOAD_BYTES";
    /// Lending analyses one application may start per 24 hours.
    pub const LENDING_JOBS_PER_APPLICATION: &str = "LENDING_JOBS_PER_APPLICATION";
    /// Comma list of checklist items.
    pub const REQUIRED_DOCUMENTS: &str = "REQUIRED_DOCUMENTS";
    /// The web front end's origin, echoed in CORS headers (Lambda proxy integrations must
    /// answer CORS themselves).
    pub const ALLOWED_ORIGIN: &str = "ALLOWED_ORIGIN";
    /// Failed liveness sessions within the window that lock an applicant out.
    pub const LIVENESS_LOCKOUT_FAILURES: &str = "LIVENESS_LOCKOUT_FAILURES";
    /// Length of the liveness lockout window in seconds.
    pub const LIVENESS_LOCKOUT_WINDOW_SECONDS: &str = "LIVENESS_LOCKOUT_WINDOW_SECONDS";
    /// Identity verification attempts an application may make.
    pub const IDENTITY_MAX_ATTEMPTS: &str = "IDENTITY_MAX_ATTEMPTS";
    /// The Cognito group whose members may use the review routes.
    pub const REVIEWERS_GROUP: &str = "REVIEWERS_GROUP";
    /// Days an audit event is kept (its TTL).
    pub const AUDIT_RETENTION_DAYS: &str = "AUDIT_RETENTION_DAYS";
    /// Days an item holding personal data is kept after its last write (its TTL).
    pub const PERSONAL_DATA_RETENTION_DAYS: &str = "PERSONAL_DATA_RETENTION_DAYS";
    /// The longest a Textract lending job or a liveness session may still write after an
    /// erasure; the late-write sweep runs this plus the upload URL lifetime after it.
    pub const LONGEST_JOB_SECONDS: &str = "LONGEST_JOB_SECONDS";
}

/// AWS's recommendation for Face Liveness: lock out after 5 failed sessions within 3 minutes.
pub const DEFAULT_LIVENESS_LOCKOUT_FAILURES: u32 = 5;
/// See [`DEFAULT_LIVENESS_LOCKOUT_FAILURES`].
pub const DEFAULT_LIVENESS_LOCKOUT_WINDOW_SECONDS: u32 = 180;
/// Identity verification attempts per application unless configured otherwise.
pub const DEFAULT_IDENTITY_MAX_ATTEMPTS: u32 = 3;
/// The Cognito group of reviewers unless configured otherwise.
pub const DEFAULT_REVIEWERS_GROUP: &str = "reviewers";
/// Seven years, the longest retention the environments use: an audit trail kept too long is
/// a cost, one deleted too early is a compliance failure.
pub const DEFAULT_AUDIT_RETENTION_DAYS: u32 = 2555;
/// Five years, the US CIP record-keeping period: the longest the environments keep personal
/// data unless configured otherwise.
pub const DEFAULT_PERSONAL_DATA_RETENTION_DAYS: u32 = 1825;
/// Two hours: a lending package of a few hundred pages finishes well within it, and a liveness
/// session expires after three minutes.
pub const DEFAULT_LONGEST_JOB_SECONDS: u32 = 7200;
/// Five minutes to a week (Textract keeps a job's results for seven days).
pub const LONGEST_JOB_RANGE: (u32, u32) = (300, 604_800);

fn default_liveness_lockout_failures() -> u32 {
    DEFAULT_LIVENESS_LOCKOUT_FAILURES
}

fn default_liveness_lockout_window_seconds() -> u32 {
    DEFAULT_LIVENESS_LOCKOUT_WINDOW_SECONDS
}

fn default_identity_max_attempts() -> u32 {
    DEFAULT_IDENTITY_MAX_ATTEMPTS
}

/// The numbers every decision rule compares against. All scores are on Rekognition's and
/// Textract's 0–100 scale.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Thresholds {
    /// Liveness confidence at or above which the check passes.
    pub liveness_pass: f32,
    /// Width of the band below `liveness_pass` that goes to a human instead of failing.
    pub liveness_review_band: f32,
    /// CompareFaces similarity at or above which faces match.
    pub face_similarity: f32,
    /// Width of the band below `face_similarity` that goes to a human instead of rejecting.
    pub face_similarity_review_band: f32,
    /// AnalyzeID confidence below which an extracted field is not trusted without review.
    pub min_extraction_confidence: f32,
    /// Minimum applicant age in whole years.
    pub minimum_age: u8,
    /// Failed liveness sessions within the window that lock the applicant out (1–100).
    /// Stored thresholds written before the field existed read as the default.
    #[serde(default = "default_liveness_lockout_failures")]
    pub liveness_lockout_failures: u32,
    /// Length of the liveness lockout window in seconds (1–86400).
    #[serde(default = "default_liveness_lockout_window_seconds")]
    pub liveness_lockout_window_seconds: u32,
    /// Identity verification attempts an application may make (1–100).
    #[serde(default = "default_identity_max_attempts")]
    pub identity_max_attempts: u32,
}

impl Default for Thresholds {
    /// The same defaults as the Terraform variables, for tests and the local stage.
    fn default() -> Self {
        Self {
            liveness_pass: 90.0,
            liveness_review_band: 10.0,
            face_similarity: 99.0,
            face_similarity_review_band: 4.0,
            min_extraction_confidence: 90.0,
            minimum_age: 18,
            liveness_lockout_failures: DEFAULT_LIVENESS_LOCKOUT_FAILURES,
            liveness_lockout_window_seconds: DEFAULT_LIVENESS_LOCKOUT_WINDOW_SECONDS,
            identity_max_attempts: DEFAULT_IDENTITY_MAX_ATTEMPTS,
        }
    }
}

impl Thresholds {
    /// Checks the cross-field invariants the decision rules rely on: every score within 0–100,
    /// bands non-negative and not reaching below zero (a band wider than its threshold would make
    /// the "fail" outcome unreachable, silently sending everything to review).
    pub fn validate(&self) -> Result<(), ConfigError> {
        let scores = [
            (vars::LIVENESS_PASS_THRESHOLD, self.liveness_pass),
            (vars::LIVENESS_REVIEW_BAND, self.liveness_review_band),
            (vars::FACE_SIMILARITY_THRESHOLD, self.face_similarity),
            (
                vars::FACE_SIMILARITY_REVIEW_BAND,
                self.face_similarity_review_band,
            ),
            (
                vars::MIN_EXTRACTION_CONFIDENCE,
                self.min_extraction_confidence,
            ),
        ];
        for (name, value) in scores {
            if !value.is_finite() || !(0.0..=100.0).contains(&value) {
                return Err(ConfigError::OutOfRange {
                    name: name.to_owned(),
                    reason: format!("{value} is not within 0..=100"),
                });
            }
        }
        let bands = [
            (
                vars::LIVENESS_REVIEW_BAND,
                self.liveness_pass,
                self.liveness_review_band,
            ),
            (
                vars::FACE_SIMILARITY_REVIEW_BAND,
                self.face_similarity,
                self.face_similarity_review_band,
            ),
        ];
        for (name, threshold, band) in bands {
            if threshold - band < 0.0 {
                return Err(ConfigError::OutOfRange {
                    name: name.to_owned(),
                    reason: format!("band {band} is wider than its threshold {threshold}"),
                });
            }
        }
        let limits = [
            (
                vars::LIVENESS_LOCKOUT_FAILURES,
                self.liveness_lockout_failures,
                LIMIT_RANGE,
            ),
            (
                vars::LIVENESS_LOCKOUT_WINDOW_SECONDS,
                self.liveness_lockout_window_seconds,
                LOCKOUT_WINDOW_RANGE,
            ),
            (
                vars::IDENTITY_MAX_ATTEMPTS,
                self.identity_max_attempts,
                LIMIT_RANGE,
            ),
        ];
        for (name, value, (min, max)) in limits {
            if !(min..=max).contains(&value) {
                return Err(ConfigError::OutOfRange {
                    name: name.to_owned(),
                    reason: format!("{value} is not within {min}..={max}"),
                });
            }
        }
        Ok(())
    }
}

/// Allowed range of the failure and attempt limits: 0 would lock everyone out for good, and
/// more than 100 is no limit at all.
const LIMIT_RANGE: (u32, u32) = (1, 100);
/// Allowed range of the lockout window: at least a second, at most a day.
const LOCKOUT_WINDOW_RANGE: (u32, u32) = (1, 86_400);
/// Allowed range of the audit retention: at least a day, at most ten years.
/// Days any retention may be: at least a day, at most ten years.
const AUDIT_RETENTION_RANGE: (u32, u32) = (1, 3_653);

/// An item of the lending-package checklist (`REQUIRED_DOCUMENTS`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum ChecklistItem {
    /// Uniform Residential Loan Application (Fannie Mae form 1003).
    #[serde(rename = "URLA_1003")]
    Urla1003,
    /// A W-2 or a payslip.
    #[serde(rename = "PROOF_OF_INCOME")]
    ProofOfIncome,
    /// A bank statement.
    #[serde(rename = "BANK_STATEMENT")]
    BankStatement,
    /// An ID document in the package, or a verified identity.
    #[serde(rename = "IDENTITY_DOCUMENT")]
    IdentityDocument,
}

impl ChecklistItem {
    /// Every item, in checklist order.
    pub const ALL: [ChecklistItem; 4] = [
        ChecklistItem::Urla1003,
        ChecklistItem::ProofOfIncome,
        ChecklistItem::BankStatement,
        ChecklistItem::IdentityDocument,
    ];

    /// The wire/configuration spelling.
    pub fn as_str(&self) -> &'static str {
        match self {
            ChecklistItem::Urla1003 => "URLA_1003",
            ChecklistItem::ProofOfIncome => "PROOF_OF_INCOME",
            ChecklistItem::BankStatement => "BANK_STATEMENT",
            ChecklistItem::IdentityDocument => "IDENTITY_DOCUMENT",
        }
    }
}

impl fmt::Display for ChecklistItem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Error of [`ChecklistItem::from_str`]: the unknown spelling.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown checklist item {0:?} (expected one of URLA_1003, PROOF_OF_INCOME, BANK_STATEMENT, IDENTITY_DOCUMENT)")]
pub struct UnknownChecklistItem(pub String);

impl FromStr for ChecklistItem {
    type Err = UnknownChecklistItem;

    /// Exact, case-sensitive match: the spelling is part of the contract and a lower-case variant
    /// in Terraform is more likely a mistake worth surfacing than something to guess at.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ChecklistItem::ALL
            .into_iter()
            .find(|item| item.as_str() == s)
            .ok_or_else(|| UnknownChecklistItem(s.to_owned()))
    }
}

/// Everything the domain needs from the environment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Settings {
    /// Decision thresholds.
    pub thresholds: Thresholds,
    /// The per-user quotas; settings serialized before they existed read as the defaults.
    #[serde(default)]
    pub quotas: Quotas,
    /// Rekognition `AuditImagesLimit` (0–4), how many audit images liveness keeps.
    pub audit_images_limit: u8,
    /// Presigned upload URL lifetime in seconds (1–3600): short, since it grants write access.
    pub upload_url_ttl_secs: u32,
    /// Checklist items a lending package must contain, in configured order, without duplicates.
    pub required_documents: Vec<ChecklistItem>,
    /// The one origin browsers may call the API from (`https://…`, or `http://localhost…` locally).
    pub allowed_origin: String,
    /// The Cognito group whose members may use the review routes.
    pub reviewers_group: String,
    /// Days an audit event is kept before its TTL expires it.
    pub audit_retention_days: u32,
    /// Days an item with personal data is kept after its last write before its TTL expires it.
    pub personal_data_retention_days: u32,
    /// The longest a job started before an erasure may still write (`LONGEST_JOB_SECONDS`).
    pub longest_job_secs: u32,
}

impl Settings {
    /// How long an item holding personal data is kept after its last write.
    pub fn personal_data_retention(&self) -> std::time::Duration {
        std::time::Duration::from_secs(u64::from(self.personal_data_retention_days) * 24 * 60 * 60)
    }

    /// How long after an erasure something started before it may still write under the
    /// application's prefixes: an upload URL issued just before it, or the longest job.
    pub fn late_write_window(&self) -> std::time::Duration {
        std::time::Duration::from_secs(
            u64::from(self.upload_url_ttl_secs) + u64::from(self.longest_job_secs),
        )
    }
}

impl Settings {
    /// Reads and validates every domain variable; the first problem found is returned.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Settings, ConfigError> {
        let thresholds = Thresholds {
            liveness_pass: require_f32(&lookup, vars::LIVENESS_PASS_THRESHOLD, 0.0, 100.0)?,
            liveness_review_band: require_f32(&lookup, vars::LIVENESS_REVIEW_BAND, 0.0, 100.0)?,
            face_similarity: require_f32(&lookup, vars::FACE_SIMILARITY_THRESHOLD, 0.0, 100.0)?,
            face_similarity_review_band: require_f32(
                &lookup,
                vars::FACE_SIMILARITY_REVIEW_BAND,
                0.0,
                100.0,
            )?,
            min_extraction_confidence: require_f32(
                &lookup,
                vars::MIN_EXTRACTION_CONFIDENCE,
                0.0,
                100.0,
            )?,
            // 0 disables the check (markets without an age limit); 125 catches typos like 180.
            minimum_age: require_int(&lookup, vars::MINIMUM_AGE, 0u8, 125u8)?,
            liveness_lockout_failures: optional_int(
                &lookup,
                vars::LIVENESS_LOCKOUT_FAILURES,
                LIMIT_RANGE.0,
                LIMIT_RANGE.1,
                DEFAULT_LIVENESS_LOCKOUT_FAILURES,
            )?,
            liveness_lockout_window_seconds: optional_int(
                &lookup,
                vars::LIVENESS_LOCKOUT_WINDOW_SECONDS,
                LOCKOUT_WINDOW_RANGE.0,
                LOCKOUT_WINDOW_RANGE.1,
                DEFAULT_LIVENESS_LOCKOUT_WINDOW_SECONDS,
            )?,
            identity_max_attempts: optional_int(
                &lookup,
                vars::IDENTITY_MAX_ATTEMPTS,
                LIMIT_RANGE.0,
                LIMIT_RANGE.1,
                DEFAULT_IDENTITY_MAX_ATTEMPTS,
            )?,
        };
        thresholds.validate()?;
        let quotas = Quotas {
            applications_per_day: optional_int(
                &lookup,
                vars::APPLICATIONS_PER_DAY,
                APPLICATIONS_PER_DAY_RANGE.0,
                APPLICATIONS_PER_DAY_RANGE.1,
                DEFAULT_APPLICATIONS_PER_DAY,
            )?,
            uploads_per_application: optional_int(
                &lookup,
                vars::UPLOADS_PER_APPLICATION,
                UPLOADS_PER_APPLICATION_RANGE.0,
                UPLOADS_PER_APPLICATION_RANGE.1,
                DEFAULT_UPLOADS_PER_APPLICATION,
            )?,
            max_upload_bytes: optional_int(
                &lookup,
                vars::MAX_UPLOAD_BYTES,
                MAX_UPLOAD_BYTES_RANGE.0,
                MAX_UPLOAD_BYTES_RANGE.1,
                DEFAULT_MAX_UPLOAD_BYTES,
            )?,
            lending_jobs_per_application: optional_int(
                &lookup,
                vars::LENDING_JOBS_PER_APPLICATION,
                LENDING_JOBS_PER_APPLICATION_RANGE.0,
                LENDING_JOBS_PER_APPLICATION_RANGE.1,
                DEFAULT_LENDING_JOBS_PER_APPLICATION,
            )?,
        };
        let audit_images_limit = require_int(&lookup, vars::LIVENESS_AUDIT_IMAGES_LIMIT, 0u8, 4u8)?;
        let upload_url_ttl_secs =
            require_int(&lookup, vars::UPLOAD_URL_TTL_SECONDS, 1u32, 3600u32)?;
        let required_documents = parse_checklist(&require(&lookup, vars::REQUIRED_DOCUMENTS)?)
            .map_err(|reason| ConfigError::Invalid {
                name: vars::REQUIRED_DOCUMENTS.to_owned(),
                reason,
            })?;
        let allowed_origin = require(&lookup, vars::ALLOWED_ORIGIN)?;
        if allowed_origin == "*" || !allowed_origin.starts_with("http") {
            return Err(ConfigError::Invalid {
                name: vars::ALLOWED_ORIGIN.to_owned(),
                reason: "must be one origin such as https://app.example.com, never *".to_owned(),
            });
        }
        let reviewers_group = match lookup(vars::REVIEWERS_GROUP) {
            Some(v) if !v.trim().is_empty() => v.trim().to_owned(),
            _ => DEFAULT_REVIEWERS_GROUP.to_owned(),
        };
        // The groups claim reaches the functions as one string that may be split on commas or
        // spaces (see `review::groups_claim_contains`), so a name containing them never matches.
        if reviewers_group.contains([',', ' ', '[', ']', '"']) {
            return Err(ConfigError::Invalid {
                name: vars::REVIEWERS_GROUP.to_owned(),
                reason:
                    "must be one Cognito group name, without commas, spaces, brackets or quotes"
                        .to_owned(),
            });
        }
        let audit_retention_days = optional_int(
            &lookup,
            vars::AUDIT_RETENTION_DAYS,
            AUDIT_RETENTION_RANGE.0,
            AUDIT_RETENTION_RANGE.1,
            DEFAULT_AUDIT_RETENTION_DAYS,
        )?;
        let personal_data_retention_days = optional_int(
            &lookup,
            vars::PERSONAL_DATA_RETENTION_DAYS,
            AUDIT_RETENTION_RANGE.0,
            AUDIT_RETENTION_RANGE.1,
            DEFAULT_PERSONAL_DATA_RETENTION_DAYS,
        )?;
        let longest_job_secs = optional_int(
            &lookup,
            vars::LONGEST_JOB_SECONDS,
            LONGEST_JOB_RANGE.0,
            LONGEST_JOB_RANGE.1,
            DEFAULT_LONGEST_JOB_SECONDS,
        )?;
        Ok(Settings {
            thresholds,
            quotas,
            audit_images_limit,
            upload_url_ttl_secs,
            required_documents,
            allowed_origin,
            reviewers_group,
            audit_retention_days,
            personal_data_retention_days,
            longest_job_secs,
        })
    }
}

/// Parses `A,B,C`, trimming spaces around items; an empty item (`A,,B`) is an error because it
/// usually means a botched edit, and duplicates are dropped keeping the first position.
fn parse_checklist(raw: &str) -> Result<Vec<ChecklistItem>, String> {
    let mut items = Vec::new();
    for part in raw.split(',') {
        let part = part.trim();
        if part.is_empty() {
            return Err("contains an empty item".to_owned());
        }
        let item: ChecklistItem = part
            .parse()
            .map_err(|e: UnknownChecklistItem| e.to_string())?;
        if !items.contains(&item) {
            items.push(item);
        }
    }
    Ok(items)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env(overrides: &[(&str, Option<&str>)]) -> HashMap<String, String> {
        let mut m: HashMap<String, String> = [
            ("LIVENESS_PASS_THRESHOLD", "90"),
            ("LIVENESS_REVIEW_BAND", "10"),
            ("FACE_SIMILARITY_THRESHOLD", "99"),
            ("FACE_SIMILARITY_REVIEW_BAND", "4"),
            ("MIN_EXTRACTION_CONFIDENCE", "90"),
            ("MINIMUM_AGE", "18"),
            ("LIVENESS_AUDIT_IMAGES_LIMIT", "4"),
            ("UPLOAD_URL_TTL_SECONDS", "300"),
            (
                "REQUIRED_DOCUMENTS",
                "URLA_1003,PROOF_OF_INCOME,BANK_STATEMENT,IDENTITY_DOCUMENT",
            ),
            ("ALLOWED_ORIGIN", "https://app.example.com"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
        for (k, v) in overrides {
            match v {
                Some(v) => m.insert((*k).to_owned(), (*v).to_owned()),
                None => m.remove(*k),
            };
        }
        m
    }

    fn load(overrides: &[(&str, Option<&str>)]) -> Result<Settings, ConfigError> {
        let m = env(overrides);
        Settings::from_lookup(|k| m.get(k).cloned())
    }

    #[test]
    fn defaults_load_and_match_thresholds_default() {
        let s = load(&[]).unwrap();
        assert_eq!(s.thresholds, Thresholds::default());
        assert_eq!(s.audit_images_limit, 4);
        assert_eq!(s.upload_url_ttl_secs, 300);
        assert_eq!(s.required_documents, ChecklistItem::ALL.to_vec());
        assert!(Thresholds::default().validate().is_ok());
    }

    #[test]
    fn every_variable_is_required() {
        for name in [
            vars::LIVENESS_PASS_THRESHOLD,
            vars::LIVENESS_REVIEW_BAND,
            vars::FACE_SIMILARITY_THRESHOLD,
            vars::FACE_SIMILARITY_REVIEW_BAND,
            vars::MIN_EXTRACTION_CONFIDENCE,
            vars::MINIMUM_AGE,
            vars::LIVENESS_AUDIT_IMAGES_LIMIT,
            vars::UPLOAD_URL_TTL_SECONDS,
            vars::REQUIRED_DOCUMENTS,
            vars::ALLOWED_ORIGIN,
        ] {
            assert_eq!(
                load(&[(name, None)]),
                Err(ConfigError::Missing {
                    name: name.to_owned()
                })
            );
            assert_eq!(
                load(&[(name, Some("  "))]),
                Err(ConfigError::Missing {
                    name: name.to_owned()
                })
            );
        }
    }

    #[test]
    fn malformed_values_name_the_variable() {
        let cases: &[(&str, &str, &str)] = &[
            ("LIVENESS_PASS_THRESHOLD", "ninety", "not a number"),
            ("LIVENESS_PASS_THRESHOLD", "NaN", "not a number"),
            ("LIVENESS_PASS_THRESHOLD", "100.5", "out of range"),
            ("FACE_SIMILARITY_REVIEW_BAND", "-1", "out of range"),
            ("MIN_EXTRACTION_CONFIDENCE", "101", "out of range"),
            ("MINIMUM_AGE", "18.5", "not a number"),
            ("MINIMUM_AGE", "300", "out of range"),
            ("MINIMUM_AGE", "-1", "out of range"),
            ("LIVENESS_AUDIT_IMAGES_LIMIT", "5", "out of range"),
            ("UPLOAD_URL_TTL_SECONDS", "0", "out of range"),
            ("UPLOAD_URL_TTL_SECONDS", "3601", "out of range"),
            ("UPLOAD_URL_TTL_SECONDS", "5m", "not a number"),
            ("REQUIRED_DOCUMENTS", "URLA_1003,,W2", "invalid"),
            ("REQUIRED_DOCUMENTS", "urla_1003", "invalid"),
            ("ALLOWED_ORIGIN", "*", "invalid"),
            ("PERSONAL_DATA_RETENTION_DAYS", "0", "out of range"),
            ("PERSONAL_DATA_RETENTION_DAYS", "3654", "out of range"),
            ("LONGEST_JOB_SECONDS", "299", "out of range"),
            ("LONGEST_JOB_SECONDS", "604801", "out of range"),
        ];
        for (name, value, why) in cases {
            let err = load(&[(name, Some(value))]).unwrap_err();
            let msg = err.to_string();
            assert!(msg.contains(name), "{msg}");
            assert!(msg.contains(why), "{name}={value}: {msg}");
        }
    }

    #[test]
    fn review_limits_default_when_unset_and_are_validated_when_set() {
        let s = load(&[]).unwrap();
        assert_eq!(s.thresholds.liveness_lockout_failures, 5);
        assert_eq!(s.thresholds.liveness_lockout_window_seconds, 180);
        assert_eq!(s.thresholds.identity_max_attempts, 3);
        assert_eq!(s.reviewers_group, "reviewers");
        assert_eq!(s.audit_retention_days, 2555);
        assert_eq!(s.personal_data_retention_days, 1825);
        assert_eq!(s.longest_job_secs, 7200);
        assert_eq!(
            s.late_write_window(),
            std::time::Duration::from_secs(u64::from(s.upload_url_ttl_secs) + 7200)
        );
        assert_eq!(
            load(&[(vars::PERSONAL_DATA_RETENTION_DAYS, Some("30"))])
                .unwrap()
                .personal_data_retention(),
            std::time::Duration::from_secs(30 * 24 * 60 * 60)
        );
        assert_eq!(load(&[(vars::IDENTITY_MAX_ATTEMPTS, Some("  "))]), Ok(s));

        let s = load(&[
            (vars::LIVENESS_LOCKOUT_FAILURES, Some("7")),
            (vars::LIVENESS_LOCKOUT_WINDOW_SECONDS, Some("600")),
            (vars::IDENTITY_MAX_ATTEMPTS, Some("1")),
            (vars::REVIEWERS_GROUP, Some(" lender-reviewers ")),
            (vars::AUDIT_RETENTION_DAYS, Some("30")),
        ])
        .unwrap();
        assert_eq!(s.thresholds.liveness_lockout_failures, 7);
        assert_eq!(s.thresholds.liveness_lockout_window_seconds, 600);
        assert_eq!(s.thresholds.identity_max_attempts, 1);
        assert_eq!(s.reviewers_group, "lender-reviewers");
        assert_eq!(s.audit_retention_days, 30);

        let cases: &[(&str, &str, &str)] = &[
            (vars::LIVENESS_LOCKOUT_FAILURES, "0", "out of range"),
            (vars::LIVENESS_LOCKOUT_FAILURES, "101", "out of range"),
            (vars::LIVENESS_LOCKOUT_FAILURES, "five", "not a number"),
            (vars::LIVENESS_LOCKOUT_WINDOW_SECONDS, "0", "out of range"),
            (
                vars::LIVENESS_LOCKOUT_WINDOW_SECONDS,
                "86401",
                "out of range",
            ),
            (vars::LIVENESS_LOCKOUT_WINDOW_SECONDS, "3m", "not a number"),
            (vars::IDENTITY_MAX_ATTEMPTS, "0", "out of range"),
            (vars::IDENTITY_MAX_ATTEMPTS, "-1", "out of range"),
            (vars::AUDIT_RETENTION_DAYS, "0", "out of range"),
            (vars::AUDIT_RETENTION_DAYS, "3654", "out of range"),
            (vars::REVIEWERS_GROUP, "reviewers,admins", "invalid"),
            (vars::REVIEWERS_GROUP, "[reviewers]", "invalid"),
        ];
        for (name, value, why) in cases {
            let msg = load(&[(name, Some(value))]).unwrap_err().to_string();
            assert!(msg.contains(name), "{msg}");
            assert!(msg.contains(why), "{name}={value}: {msg}");
        }
    }

    #[test]
    fn quotas_default_when_unset_and_are_validated_when_set() {
        let s = load(&[]).unwrap();
        assert_eq!(s.quotas, Quotas::default());
        assert_eq!(load(&[(vars::MAX_UPLOAD_BYTES, Some(" "))]), Ok(s));

        let s = load(&[
            (vars::APPLICATIONS_PER_DAY, Some("3")),
            (vars::UPLOADS_PER_APPLICATION, Some(" 40 ")),
            (vars::MAX_UPLOAD_BYTES, Some("20971520")),
            (vars::LENDING_JOBS_PER_APPLICATION, Some("1")),
        ])
        .unwrap();
        assert_eq!(
            s.quotas,
            Quotas {
                applications_per_day: 3,
                uploads_per_application: 40,
                max_upload_bytes: 20 * 1024 * 1024,
                lending_jobs_per_application: 1,
            }
        );

        let cases: &[(&str, &str, &str)] = &[
            (vars::APPLICATIONS_PER_DAY, "0", "out of range"),
            (vars::APPLICATIONS_PER_DAY, "10001", "out of range"),
            (vars::APPLICATIONS_PER_DAY, "five", "not a number"),
            (vars::UPLOADS_PER_APPLICATION, "2", "out of range"),
            (vars::UPLOADS_PER_APPLICATION, "-1", "out of range"),
            (vars::LENDING_JOBS_PER_APPLICATION, "0", "out of range"),
            (vars::LENDING_JOBS_PER_APPLICATION, "1001", "out of range"),
            // Below the largest image a lending package may be, or above Textract's limit.
            (vars::MAX_UPLOAD_BYTES, "10485759", "out of range"),
            (vars::MAX_UPLOAD_BYTES, "524288001", "out of range"),
            (vars::MAX_UPLOAD_BYTES, "50MiB", "not a number"),
        ];
        for (name, value, why) in cases {
            let msg = load(&[(name, Some(value))]).unwrap_err().to_string();
            assert!(msg.contains(name), "{msg}");
            assert!(msg.contains(why), "{name}={value}: {msg}");
        }
    }

    #[test]
    fn stored_thresholds_without_the_limits_read_with_the_defaults() {
        let mut stored = serde_json::to_value(Thresholds::default()).unwrap();
        let object = stored.as_object_mut().unwrap();
        object.remove("livenessLockoutFailures");
        object.remove("livenessLockoutWindowSeconds");
        object.remove("identityMaxAttempts");
        let read: Thresholds = serde_json::from_value(stored).unwrap();
        assert_eq!(read, Thresholds::default());
        let t = Thresholds {
            identity_max_attempts: 0,
            ..Thresholds::default()
        };
        assert!(t
            .validate()
            .unwrap_err()
            .to_string()
            .contains(vars::IDENTITY_MAX_ATTEMPTS));
    }

    #[test]
    fn band_wider_than_threshold_is_rejected() {
        let err = load(&[
            ("LIVENESS_PASS_THRESHOLD", Some("5")),
            ("LIVENESS_REVIEW_BAND", Some("10")),
        ])
        .unwrap_err();
        assert!(err.to_string().contains("LIVENESS_REVIEW_BAND"));
        let t = Thresholds {
            face_similarity: 3.0,
            ..Thresholds::default()
        };
        assert!(t.validate().is_err());
        let t = Thresholds {
            min_extraction_confidence: f32::NAN,
            ..Thresholds::default()
        };
        assert!(t.validate().is_err());
    }

    #[test]
    fn checklist_parsing() {
        let s = load(&[(
            "REQUIRED_DOCUMENTS",
            Some(" BANK_STATEMENT , URLA_1003,BANK_STATEMENT"),
        )])
        .unwrap();
        assert_eq!(
            s.required_documents,
            vec![ChecklistItem::BankStatement, ChecklistItem::Urla1003]
        );
        for item in ChecklistItem::ALL {
            assert_eq!(item.to_string().parse::<ChecklistItem>(), Ok(item));
            assert_eq!(
                serde_json::to_value(item).unwrap(),
                serde_json::Value::String(item.to_string())
            );
        }
    }

    #[test]
    fn require_trims_and_accepts_references() {
        let lookup = |k: &str| (k == "X").then(|| " v ".to_owned());
        assert_eq!(require(lookup, "X").unwrap(), "v");
        assert_eq!(require(lookup, "X").unwrap(), "v");
        assert!(require(lookup, "Y").is_err());
    }
}
