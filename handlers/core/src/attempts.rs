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
/// Counted as [`rolling_window_wait`] counts: a failure counts while it is less than
/// `window_seconds` old, and the applicant is locked until the oldest of the newest
/// `max_failures` leaves the window (`retry_after_secs` within `1..=window_seconds`).
pub fn liveness_lockout(failures: &[i64], now: i64, policy: LockoutPolicy) -> Result<(), Locked> {
    match rolling_window_wait(failures, now, policy.max_failures, policy.window_seconds) {
        None => Ok(()),
        Some(retry_after_secs) => Err(Locked { retry_after_secs }),
    }
}

/// The rolling-window count behind the liveness lockout and the per-user quotas
/// ([`crate::quotas`]): `None` while fewer than `limit` of `events` (epoch seconds, any order)
/// lie in the window ending at `now`, else the seconds until one more is admitted.
///
/// An event counts while it is less than `window_seconds` old. An event time in the future
/// (clock skew between writers) counts as `now`: skew cannot hide an event, and the answer never
/// asks for more than one window. With `limit` or more counted, the wait lasts until the newest
/// `limit` of them are no longer all in the window, that is until the oldest of those leaves it:
/// the answer lies within `1..=window_seconds`. The configuration rejects a limit of 0; treating
/// it as 1 keeps a hand-built one from refusing a caller with no events at all.
pub fn rolling_window_wait(
    events: &[i64],
    now: i64,
    limit: u32,
    window_seconds: u32,
) -> Option<u32> {
    let limit = usize::try_from(limit.max(1)).unwrap_or(usize::MAX);
    let window_start = now - i64::from(window_seconds);
    let mut counted: Vec<i64> = events
        .iter()
        .map(|&at| at.min(now))
        .filter(|&at| at > window_start)
        .collect();
    if counted.len() < limit {
        return None;
    }
    counted.sort_unstable_by(|a, b| b.cmp(a));
    let leaves_window_at = counted[limit - 1] + i64::from(window_seconds);
    Some(
        u32::try_from(leaves_window_at - now)
            .unwrap_or(window_seconds)
            .max(1),
    )
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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const NOW: i64 = 1_780_000_000;
    const AWS: LockoutPolicy = LockoutPolicy {
        max_failures: 5,
        window_seconds: 180,
    };

    fn ago(seconds: &[i64]) -> Vec<i64> {
        seconds.iter().map(|s| NOW - s).collect()
    }

    fn locked(retry_after_secs: u32) -> Result<(), Locked> {
        Err(Locked { retry_after_secs })
    }

    #[test]
    fn lockout_window_table() {
        let cases: &[(&str, Vec<i64>, Result<(), Locked>)] = &[
            ("no failures", vec![], Ok(())),
            ("four failures", ago(&[0, 1, 2, 3]), Ok(())),
            ("five failures just now", ago(&[0, 0, 0, 0, 0]), locked(180)),
            (
                "five failures, oldest 179 s ago",
                ago(&[0, 10, 20, 30, 179]),
                locked(1),
            ),
            (
                "oldest exactly a window ago has left",
                ago(&[0, 10, 20, 30, 180]),
                Ok(()),
            ),
            (
                "oldest a window and more ago",
                ago(&[0, 10, 20, 30, 500]),
                Ok(()),
            ),
            ("unsorted", ago(&[30, 179, 0, 20, 10]), locked(1)),
            (
                "more than enough: the fifth newest decides",
                ago(&[10, 20, 30, 40, 50, 60, 70]),
                locked(130),
            ),
            (
                "five in the future count as now",
                ago(&[-50, -50, -50, -50, -50]),
                locked(180),
            ),
            (
                "future and past mixed",
                ago(&[-3600, 0, 100, 150, 170]),
                locked(10),
            ),
            (
                "old failures never count",
                ago(&[1000, 2000, 3000, 4000, 5000, 6000]),
                Ok(()),
            ),
        ];
        for (name, failures, expected) in cases {
            assert_eq!(liveness_lockout(failures, NOW, AWS), *expected, "{name}");
        }
    }

    #[test]
    fn a_zero_failure_limit_acts_as_one() {
        let policy = LockoutPolicy {
            max_failures: 0,
            window_seconds: 60,
        };
        assert_eq!(liveness_lockout(&[], NOW, policy), Ok(()));
        assert_eq!(liveness_lockout(&ago(&[20]), NOW, policy), locked(40));
    }

    #[test]
    fn policy_and_problem() {
        let policy = LockoutPolicy::from_thresholds(&Thresholds::default());
        assert_eq!(policy, AWS);
        assert_eq!(policy.window_start(NOW), NOW - 180);
        let err = ApiError::from(Locked {
            retry_after_secs: 42,
        });
        assert_eq!(err.status(), 429);
        assert_eq!(err.slug(), problems::LIVENESS_LOCKED_OUT);
        assert_eq!(err.retry_after(), Some(42));
        assert!(err.detail().contains("42 seconds"));
    }

    #[test]
    fn identity_attempt_cap_table() {
        let cases = [
            (0, 3, true),
            (2, 3, true),
            (3, 3, false),
            (4, 3, false),
            (0, 1, true),
            (1, 1, false),
        ];
        for (attempts, cap, allowed) in cases {
            let result = identity_attempts(attempts, cap);
            assert_eq!(result.is_ok(), allowed, "{attempts} of {cap}");
            if let Err(err) = result {
                assert_eq!(err.status(), 429);
                assert_eq!(err.slug(), problems::IDENTITY_ATTEMPTS_EXHAUSTED);
                assert_eq!(err.retry_after(), None, "waiting does not lift the cap");
                assert!(err.detail().contains(&format!("all {cap}")));
            }
        }
    }

    fn policy() -> impl Strategy<Value = LockoutPolicy> {
        (1u32..10, 1u32..600).prop_map(|(max_failures, window_seconds)| LockoutPolicy {
            max_failures,
            window_seconds,
        })
    }

    proptest! {
        #[test]
        fn never_locked_with_fewer_failures_than_the_limit(
            policy in policy(),
            offsets in prop::collection::vec(-1000i64..1000, 0..10),
        ) {
            let failures: Vec<i64> = offsets
                .iter()
                .take(policy.max_failures as usize - 1)
                .map(|o| NOW + o)
                .collect();
            prop_assert_eq!(liveness_lockout(&failures, NOW, policy), Ok(()));
        }

        #[test]
        fn retry_after_is_within_one_window_and_order_does_not_matter(
            policy in policy(),
            offsets in prop::collection::vec(-1000i64..1000, 0..20),
        ) {
            let failures: Vec<i64> = offsets.iter().map(|o| NOW + o).collect();
            let result = liveness_lockout(&failures, NOW, policy);
            if let Err(Locked { retry_after_secs }) = result {
                prop_assert!((1..=policy.window_seconds).contains(&retry_after_secs));
            }
            let mut reversed = failures.clone();
            reversed.reverse();
            prop_assert_eq!(liveness_lockout(&reversed, NOW, policy), result);
            let mut sorted = failures;
            sorted.sort_unstable();
            prop_assert_eq!(liveness_lockout(&sorted, NOW, policy), result);
        }

        #[test]
        fn locked_means_enough_failures_in_the_window_and_retry_after_is_exact(
            policy in policy(),
            ages in prop::collection::vec(0i64..1000, 0..20),
        ) {
            let failures: Vec<i64> = ages.iter().map(|age| NOW - age).collect();
            let in_window = ages.iter().filter(|&&age| age < i64::from(policy.window_seconds)).count();
            match liveness_lockout(&failures, NOW, policy) {
                Ok(()) => prop_assert!(in_window < policy.max_failures as usize),
                Err(Locked { retry_after_secs }) => {
                    prop_assert!(in_window >= policy.max_failures as usize);
                    let later = NOW + i64::from(retry_after_secs);
                    prop_assert_eq!(liveness_lockout(&failures, later, policy), Ok(()));
                    prop_assert!(liveness_lockout(&failures, later - 1, policy).is_err());
                }
            }
        }
    }
}
