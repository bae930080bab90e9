//! Limits on retries: the liveness lockout (per applicant, lifts by itself) and the identity
//! attempt cap (per application, never lifts; a reviewer decides).
//!
//! Face Liveness guidance is to lock an applicant out after repeated failed sessions in a
//! short window, so that an attacker cannot iterate on a spoof; the identity cap stops an
//! applicant from retrying face comparisons until a borderline one passes.

use crate::config::Thresholds;
use crate::error::{problems, ApiError};

/// When repeated liveness failures lock an applicant out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct LockoutPolicy {
    /// Failures within the window that lock the applicant out (at least 1).
    pub max_failures: u32,
    /// Window length in seconds.
    pub window_seconds: u32,
}

impl LockoutPolicy {
    /// The policy configured in `thresholds`.
    pub fn from_thresholds(thresholds: &Thresholds) -> LockoutPolicy {
        LockoutPolicy {
            max_failures: thresholds.liveness_lockout_failures,
            window_seconds: thresholds.liveness_lockout_window_seconds,
        }
    }

    /// The earliest failure time (epoch seconds, exclusive) that still counts at `now`: a
    /// failure exactly `window_seconds` old has left the window. Adapters query failures after
    /// this instant.
    pub fn window_start(self, now: i64) -> i64 {
        now - i64::from(self.window_seconds)
    }
}

/// The applicant is locked out of liveness.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
#[error("locked out of liveness for {retry_after_secs} more seconds")]
pub struct Locked {
    /// Seconds until enough failures have left the window, at least 1 (`Retry-After`).
    pub retry_after_secs: u32,
}

impl From<Locked> for ApiError {
    fn from(locked: Locked) -> ApiError {
        ApiError::TooManyRequests {
            problem: problems::LIVENESS_LOCKED_OUT,
            detail: format!(
                "Too many failed liveness checks in a short time; try again in {} seconds.",
                locked.retry_after_secs
            ),
            retry_after_secs: Some(locked.retry_after_secs),
        }
    }
}

/// Whether an applicant whose liveness sessions failed at `failures` (epoch seconds, any order)
/// may start a new session at `now`.
///
/// A failure counts while it is less than `window_seconds` old. A failure time in the future
/// (clock skew between writers) counts as `now`, so skew can neither hide a failure nor stretch
/// the lockout beyond one window. With `max_failures` or more counted, the applicant is locked
/// until the newest `max_failures` of them are no longer all in the window, that is until the
/// oldest of those leaves it: `retry_after_secs` lies within `1..=window_seconds`.
pub fn liveness_lockout(failures: &[i64], now: i64, policy: LockoutPolicy) -> Result<(), Locked> {
    // The configuration rejects 0; treating it as 1 keeps a hand-built policy from locking out
    // an applicant who never failed.
    let max_failures = usize::try_from(policy.max_failures.max(1)).unwrap_or(usize::MAX);
    let window_start = policy.window_start(now);
    let mut counted: Vec<i64> = failures
        .iter()
        .map(|&failed_at| failed_at.min(now))
        .filter(|&failed_at| failed_at > window_start)
        .collect();
    if counted.len() < max_failures {
        return Ok(());
    }
    counted.sort_unstable_by(|a, b| b.cmp(a));
    let oldest_counted = counted[max_failures - 1];
    let leaves_window_at = oldest_counted + i64::from(policy.window_seconds);
    let retry_after_secs = u32::try_from(leaves_window_at - now)
        .unwrap_or(policy.window_seconds)
        .max(1);
    Err(Locked { retry_after_secs })
}

/// Whether an application that has made `attempts` identity verification attempts may make
/// another under a cap of `max_attempts`. Exhausted is a 429
/// [`problems::IDENTITY_ATTEMPTS_EXHAUSTED`] without `Retry-After`: waiting does not help.
pub fn identity_attempts(attempts: u32, max_attempts: u32) -> Result<(), ApiError> {
    if attempts < max_attempts {
        return Ok(());
    }
    Err(ApiError::TooManyRequests {
        problem: problems::IDENTITY_ATTEMPTS_EXHAUSTED,
        detail: format!(
            "This application has used all {max_attempts} identity verification attempts; no further attempt is possible."
        ),
        retry_after_secs: None,
    })
}
