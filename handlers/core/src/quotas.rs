//! Per-user quotas (issue 12): how much one self-registered account may make the platform store
//! and pay for. Without them one account could create unlimited applications, 500 MB uploads and
//! Textract jobs; the WAF rate rules bound requests per second, these bound what the requests
//! cost.
//!
//! Every counted quota is a rolling 24-hour window, counted as the liveness lockout counts
//! failures ([`rolling_window_wait`]):
//! - applications per caller (`APPLICATIONS_PER_DAY`, default 5);
//! - upload URLs per application (`UPLOADS_PER_APPLICATION`, default 20);
//! - lending analyses (Textract jobs) per application (`LENDING_JOBS_PER_APPLICATION`, default 3).
//!
//! A rolling window, also for the per-application caps, because the limit then lifts by itself
//! and `Retry-After` is exact: the seconds until the oldest counted item is 24 hours old. A
//! lifetime cap per application would have no honest `Retry-After` (waiting would not help),
//! and an applicant who needs more than a day's allowance for one application is better served
//! by waiting than by a dead end. A refusal is a 429 with its own problem type per quota.
//!
//! The byte ceiling (`MAX_UPLOAD_BYTES`, default 50 MiB) is not counted: it lowers the largest
//! upload [`crate::uploads`] accepts (413 above it), which the presigned PUT then signs as its
//! `Content-Length`.
//!
//! The counts are read before the write they guard, without a lock, so concurrent requests can
//! each see room for one more: a quota bounds abuse, it is not an exact ledger.

use serde::{Deserialize, Serialize};

use crate::attempts::rolling_window_wait;
use crate::error::{problems, ApiError};
use crate::uploads::{MAX_LENDING_DOCUMENT_BYTES, MAX_LENDING_IMAGE_BYTES};

/// The window of every counted quota: 24 hours, in seconds.
pub const QUOTA_WINDOW_SECONDS: u32 = 24 * 60 * 60;

/// Applications one caller may create per 24 hours unless configured otherwise: one person
/// applies for a loan or two; five leaves room for mistakes and erasures.
pub const DEFAULT_APPLICATIONS_PER_DAY: u32 = 5;
/// Upload URLs one application may request per 24 hours unless configured otherwise: the
/// identity attempts need two ID images each (3 attempts, 6 images) and the lending analyses a
/// package each (3), which leaves room for files that had to be sent again.
pub const DEFAULT_UPLOADS_PER_APPLICATION: u32 = 20;
/// Largest upload in bytes unless configured otherwise: 50 MiB admits a 20-page lending package
/// scanned in colour at 300 dpi (about 1–2.5 MB a page) and every ID image (5 MiB), a tenth of
/// what Textract would take (500 MiB) and every byte of which is stored, encrypted and analysed.
pub const DEFAULT_MAX_UPLOAD_BYTES: u64 = 50 * 1024 * 1024;
/// Lending analyses one application may start per 24 hours unless configured otherwise: a
/// package, and two more if a page was missing or unreadable. Each is a paid Textract job.
pub const DEFAULT_LENDING_JOBS_PER_APPLICATION: u32 = 3;

/// Allowed range of `APPLICATIONS_PER_DAY`: 0 would refuse every applicant; the local stage's
/// end-to-end suites create a few hundred applications per test user.
pub const APPLICATIONS_PER_DAY_RANGE: (u32, u32) = (1, 10_000);
/// Allowed range of `UPLOADS_PER_APPLICATION`: fewer than 3 cannot finish one application (ID
/// front, ID back and a lending package).
pub const UPLOADS_PER_APPLICATION_RANGE: (u32, u32) = (3, 10_000);
/// Allowed range of `LENDING_JOBS_PER_APPLICATION`.
pub const LENDING_JOBS_PER_APPLICATION_RANGE: (u32, u32) = (1, 1_000);
/// Allowed range of `MAX_UPLOAD_BYTES`: at least the largest image a lending package may be
/// (10 MiB, so the ceiling only ever lowers the PDF/TIFF limit and every image the services take
/// still fits), at most Textract's own limit (500 MiB).
pub const MAX_UPLOAD_BYTES_RANGE: (u64, u64) =
    (MAX_LENDING_IMAGE_BYTES, MAX_LENDING_DOCUMENT_BYTES);

/// The configured quotas.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Quotas {
    /// Applications one caller may create per 24 hours.
    pub applications_per_day: u32,
    /// Upload URLs one application may request per 24 hours.
    pub uploads_per_application: u32,
    /// Largest upload in bytes, whatever the purpose allows.
    pub max_upload_bytes: u64,
    /// Lending analyses one application may start per 24 hours.
    pub lending_jobs_per_application: u32,
}

impl Default for Quotas {
    /// The documented defaults (the `DEFAULT_*` constants, which Terraform repeats).
    fn default() -> Self {
        Self {
            applications_per_day: DEFAULT_APPLICATIONS_PER_DAY,
            uploads_per_application: DEFAULT_UPLOADS_PER_APPLICATION,
            max_upload_bytes: DEFAULT_MAX_UPLOAD_BYTES,
            lending_jobs_per_application: DEFAULT_LENDING_JOBS_PER_APPLICATION,
        }
    }
}

/// A counted quota.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Quota {
    /// Applications per caller (`POST /applications`).
    Applications,
    /// Upload URLs per application (`POST /applications/{id}/uploads`).
    Uploads,
    /// Lending analyses per application (`POST /applications/{id}/documents`).
    LendingJobs,
}

impl Quota {
    /// Every counted quota.
    pub const ALL: [Quota; 3] = [Quota::Applications, Quota::Uploads, Quota::LendingJobs];

    /// The problem type of a refusal.
    pub fn problem(self) -> &'static str {
        match self {
            Quota::Applications => problems::APPLICATION_QUOTA_EXCEEDED,
            Quota::Uploads => problems::UPLOAD_QUOTA_EXCEEDED,
            Quota::LendingJobs => problems::LENDING_JOB_QUOTA_EXCEEDED,
        }
    }
}

/// A counted quota is used up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
#[error("{quota:?} quota of {limit} per 24 hours used; retry after {retry_after_secs} seconds")]
pub struct QuotaExceeded {
    /// Which quota.
    pub quota: Quota,
    /// Its configured limit.
    pub limit: u32,
    /// Seconds until the oldest counted item leaves the window, at least 1 (`Retry-After`).
    pub retry_after_secs: u32,
}

impl From<QuotaExceeded> for ApiError {
    fn from(exceeded: QuotaExceeded) -> ApiError {
        let QuotaExceeded {
            quota,
            limit,
            retry_after_secs: wait,
        } = exceeded;
        let detail = match quota {
            Quota::Applications => format!(
                "You created {limit} applications in the last 24 hours, the most allowed; you can create another in {wait} seconds."
            ),
            Quota::Uploads => format!(
                "This application requested {limit} upload URLs in the last 24 hours, the most allowed; it can request another in {wait} seconds."
            ),
            Quota::LendingJobs => format!(
                "This application started {limit} lending analyses in the last 24 hours, the most allowed; it can start another in {wait} seconds."
            ),
        };
        ApiError::TooManyRequests {
            problem: quota.problem(),
            detail,
            retry_after_secs: Some(wait),
        }
    }
}

impl Quotas {
    /// The configured limit of a counted quota.
    pub fn limit(&self, quota: Quota) -> u32 {
        match quota {
            Quota::Applications => self.applications_per_day,
            Quota::Uploads => self.uploads_per_application,
            Quota::LendingJobs => self.lending_jobs_per_application,
        }
    }

    /// Whether one more item may be created at `now` (epoch seconds) when the items counted
    /// against `quota` were created at `created` (epoch seconds, any order, any age: only those
    /// less than 24 hours old count).
    pub fn check(&self, quota: Quota, created: &[i64], now: i64) -> Result<(), QuotaExceeded> {
        let limit = self.limit(quota);
        match rolling_window_wait(created, now, limit, QUOTA_WINDOW_SECONDS) {
            None => Ok(()),
            Some(retry_after_secs) => Err(QuotaExceeded {
                quota,
                limit,
                retry_after_secs,
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const NOW: i64 = 1_780_000_000;
    const HOUR: i64 = 3600;
    const DAY: i64 = 24 * HOUR;

    fn ago(seconds: &[i64]) -> Vec<i64> {
        seconds.iter().map(|s| NOW - s).collect()
    }

    fn exceeded(quota: Quota, limit: u32, retry_after_secs: u32) -> Result<(), QuotaExceeded> {
        Err(QuotaExceeded {
            quota,
            limit,
            retry_after_secs,
        })
    }

    #[test]
    fn defaults() {
        let q = Quotas::default();
        assert_eq!(q.limit(Quota::Applications), 5);
        assert_eq!(q.limit(Quota::Uploads), 20);
        assert_eq!(q.limit(Quota::LendingJobs), 3);
        assert_eq!(q.max_upload_bytes, 50 * 1024 * 1024);
        assert!(
            q.max_upload_bytes < MAX_LENDING_DOCUMENT_BYTES,
            "a lower ceiling"
        );
        assert!((MAX_UPLOAD_BYTES_RANGE.0..=MAX_UPLOAD_BYTES_RANGE.1).contains(&q.max_upload_bytes));
    }

    #[test]
    fn rolling_day_table() {
        let q = Quotas::default();
        type Case = (&'static str, Quota, Vec<i64>, Result<(), QuotaExceeded>);
        let cases: &[Case] = &[
            ("none yet", Quota::Applications, vec![], Ok(())),
            (
                "four of five",
                Quota::Applications,
                ago(&[0, 1, 2, 3]),
                Ok(()),
            ),
            (
                "five just now: a whole day",
                Quota::Applications,
                ago(&[0, 0, 0, 0, 0]),
                exceeded(Quota::Applications, 5, 86_400),
            ),
            (
                "the oldest of five 23 h ago: an hour",
                Quota::Applications,
                ago(&[0, HOUR, 2 * HOUR, 3 * HOUR, 23 * HOUR]),
                exceeded(Quota::Applications, 5, 3600),
            ),
            (
                "the oldest exactly a day ago has left",
                Quota::Applications,
                ago(&[0, HOUR, 2 * HOUR, 3 * HOUR, DAY]),
                Ok(()),
            ),
            (
                "older ones never count",
                Quota::Applications,
                ago(&[DAY + 1, 2 * DAY, 3 * DAY, 4 * DAY, 5 * DAY, 6 * DAY]),
                Ok(()),
            ),
            (
                "more than the limit: the fifth newest decides",
                Quota::Applications,
                ago(&[10, 20, 30, 40, 50, 60, 70]),
                exceeded(Quota::Applications, 5, 86_350),
            ),
            (
                "lending jobs: three in a day",
                Quota::LendingJobs,
                ago(&[100, 200, 300]),
                exceeded(Quota::LendingJobs, 3, 86_100),
            ),
            (
                "lending jobs: two",
                Quota::LendingJobs,
                ago(&[100, 200]),
                Ok(()),
            ),
            (
                "uploads: twenty, unsorted",
                Quota::Uploads,
                ago(&(0..20).rev().map(|i| i * 60).collect::<Vec<_>>()),
                exceeded(Quota::Uploads, 20, 86_400 - 19 * 60),
            ),
            (
                "a future time counts as now",
                Quota::LendingJobs,
                ago(&[-HOUR, -HOUR, -HOUR]),
                exceeded(Quota::LendingJobs, 3, 86_400),
            ),
        ];
        for (name, quota, created, expected) in cases {
            assert_eq!(q.check(*quota, created, NOW), *expected, "{name}");
        }
    }

    #[test]
    fn each_refusal_is_a_429_with_its_own_type_retry_after_and_a_precise_detail() {
        let q = Quotas {
            applications_per_day: 3,
            ..Quotas::default()
        };
        let cases = [
            (
                Quota::Applications,
                "application-quota-exceeded",
                "created 3 applications",
            ),
            (
                Quota::Uploads,
                "upload-quota-exceeded",
                "requested 20 upload URLs",
            ),
            (
                Quota::LendingJobs,
                "lending-job-quota-exceeded",
                "started 3 lending analyses",
            ),
        ];
        let slugs: std::collections::BTreeSet<_> = cases.iter().map(|c| c.1).collect();
        assert_eq!(slugs.len(), Quota::ALL.len());
        for (quota, slug, says) in cases {
            let limit = q.limit(quota) as usize;
            let err: ApiError = q
                .check(quota, &vec![NOW - 600; limit], NOW)
                .unwrap_err()
                .into();
            assert_eq!(err.status(), 429);
            assert_eq!(err.slug(), slug);
            assert!(problems::ALL.contains(&slug));
            assert_eq!(err.retry_after(), Some(86_400 - 600));
            let detail = err.detail();
            assert!(detail.contains(says), "{detail}");
            assert!(detail.contains("in 85800 seconds"), "{detail}");
            assert_eq!(
                err.problem("/applications")["type"],
                format!("https://lendverify.dev/problems/{slug}")
            );
        }
    }

    fn quotas() -> impl Strategy<Value = Quotas> {
        (1u32..8, 3u32..30, 1u32..6).prop_map(|(apps, uploads, jobs)| Quotas {
            applications_per_day: apps,
            uploads_per_application: uploads,
            lending_jobs_per_application: jobs,
            ..Quotas::default()
        })
    }

    fn quota() -> impl Strategy<Value = Quota> {
        prop::sample::select(Quota::ALL.to_vec())
    }

    proptest! {
        /// Refused exactly when the limit is reached within the last 24 hours, and the
        /// `Retry-After` is exact: one second earlier is still refused, at it one more is admitted.
        #[test]
        fn refused_iff_the_day_is_full_and_retry_after_is_exact(
            q in quotas(),
            quota in quota(),
            ages in prop::collection::vec(0i64..3 * DAY, 0..40),
        ) {
            let created: Vec<i64> = ages.iter().map(|age| NOW - age).collect();
            let in_window = ages.iter().filter(|&&age| age < DAY).count();
            let limit = q.limit(quota) as usize;
            match q.check(quota, &created, NOW) {
                Ok(()) => prop_assert!(in_window < limit),
                Err(e) => {
                    prop_assert!(in_window >= limit);
                    prop_assert_eq!(e.quota, quota);
                    prop_assert!((1..=QUOTA_WINDOW_SECONDS).contains(&e.retry_after_secs));
                    let later = NOW + i64::from(e.retry_after_secs);
                    prop_assert_eq!(q.check(quota, &created, later), Ok(()));
                    prop_assert!(q.check(quota, &created, later - 1).is_err());
                }
            }
        }
    }
}
