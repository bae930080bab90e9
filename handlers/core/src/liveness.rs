//! Face Liveness: turning what Rekognition reports into LendVerify's liveness status.
//!
//! Rekognition says whether the *session* finished and how confident it is that a live person
//! was in front of the camera; whether that confidence is good enough is a lender's policy,
//! applied here with [`Thresholds`].

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use time::Duration;

use crate::config::Thresholds;

/// How long a Face Liveness session stays open: Rekognition expires a session that is not
/// completed within 3 minutes of its creation.
pub const SESSION_LIFETIME: Duration = Duration::minutes(3);

/// Session state as `GetFaceLivenessSessionResults` reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum SessionState {
    /// Created, the browser has not started streaming yet.
    Created,
    /// The browser is streaming.
    InProgress,
    /// Rekognition finished and produced a confidence.
    Succeeded,
    /// Rekognition could not complete the check (e.g. no face, stream error).
    Failed,
    /// Not completed within Rekognition's session lifetime (3 minutes).
    Expired,
}

impl SessionState {
    /// Rekognition's spelling (`LivenessSessionStatus`), as used on the wire.
    pub fn as_str(&self) -> &'static str {
        match self {
            SessionState::Created => "CREATED",
            SessionState::InProgress => "IN_PROGRESS",
            SessionState::Succeeded => "SUCCEEDED",
            SessionState::Failed => "FAILED",
            SessionState::Expired => "EXPIRED",
        }
    }
}

impl FromStr for SessionState {
    type Err = ();

    /// Parses Rekognition's spelling, case-insensitively, so adapters (and the emulator) can map
    /// `LivenessSessionStatus::as_str()` without their own table.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        [
            SessionState::Created,
            SessionState::InProgress,
            SessionState::Succeeded,
            SessionState::Failed,
            SessionState::Expired,
        ]
        .into_iter()
        .find(|state| state.as_str().eq_ignore_ascii_case(s.trim()))
        .ok_or(())
    }
}

/// LendVerify's liveness outcome, stored on the session item and shown to clients.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum LivenessStatus {
    /// Not finished yet; poll again.
    InProgress,
    /// Confidence at or above the pass threshold.
    Passed,
    /// Below the review band, or Rekognition failed the session.
    Failed,
    /// Within the review band, or succeeded without a confidence: a human decides.
    NeedsReview,
    /// The session expired before completion; start a new one.
    Expired,
}

impl LivenessStatus {
    /// Whether the status can no longer change, so the handler can stop calling Rekognition and
    /// serve the stored result.
    pub fn is_final(&self) -> bool {
        !matches!(self, LivenessStatus::InProgress)
    }

    /// The wire spelling.
    pub fn as_str(&self) -> &'static str {
        match self {
            LivenessStatus::InProgress => "IN_PROGRESS",
            LivenessStatus::Passed => "PASSED",
            LivenessStatus::Failed => "FAILED",
            LivenessStatus::NeedsReview => "NEEDS_REVIEW",
            LivenessStatus::Expired => "EXPIRED",
        }
    }
}

impl fmt::Display for LivenessStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for LivenessStatus {
    type Err = ();

    /// Parses the wire spelling, for reading stored items back.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        [
            LivenessStatus::InProgress,
            LivenessStatus::Passed,
            LivenessStatus::Failed,
            LivenessStatus::NeedsReview,
            LivenessStatus::Expired,
        ]
        .into_iter()
        .find(|status| status.as_str() == s)
        .ok_or(())
    }
}

/// The state to decide on, from what Rekognition reports (`None`: it no longer knows the session,
/// `SessionNotFoundException`) and the session's age.
///
/// A session still CREATED or IN_PROGRESS past its lifetime can never complete, and one that
/// Rekognition has forgotten cannot be read again; both are EXPIRED, so the applicant is told to
/// start a new session instead of polling for ever.
pub fn session_state_at(reported: Option<SessionState>, age: Duration) -> SessionState {
    match reported {
        None => SessionState::Expired,
        Some(SessionState::Created | SessionState::InProgress) if age > SESSION_LIFETIME => {
            SessionState::Expired
        }
        Some(state) => state,
    }
}

/// Decides the liveness status from Rekognition's session state and confidence.
///
/// A succeeded session without a confidence (or a non-finite one) goes to review rather than
/// failing: it is Rekognition's anomaly, not evidence of a spoof.
pub fn decide_liveness(
    state: SessionState,
    confidence: Option<f32>,
    t: &Thresholds,
) -> LivenessStatus {
    match state {
        SessionState::Created | SessionState::InProgress => LivenessStatus::InProgress,
        SessionState::Expired => LivenessStatus::Expired,
        SessionState::Failed => LivenessStatus::Failed,
        SessionState::Succeeded => match confidence.filter(|c| c.is_finite()) {
            None => LivenessStatus::NeedsReview,
            Some(c) if c >= t.liveness_pass => LivenessStatus::Passed,
            Some(c) if c >= t.liveness_pass - t.liveness_review_band => LivenessStatus::NeedsReview,
            Some(_) => LivenessStatus::Failed,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn late_sessions_expire() {
        use SessionState as S;
        let fresh = Duration::seconds(179);
        let late = Duration::seconds(181);
        let cases = [
            (Some(S::Created), fresh, S::Created),
            (Some(S::InProgress), fresh, S::InProgress),
            (Some(S::Created), late, S::Expired),
            (Some(S::InProgress), late, S::Expired),
            (Some(S::Succeeded), late, S::Succeeded),
            (Some(S::Failed), late, S::Failed),
            (Some(S::Expired), fresh, S::Expired),
            (None, fresh, S::Expired),
            (None, late, S::Expired),
        ];
        for (reported, age, expected) in cases {
            assert_eq!(
                session_state_at(reported, age),
                expected,
                "{reported:?} {age}"
            );
        }
    }

    #[test]
    fn decision_table() {
        let t = Thresholds::default(); // pass 90, band 10
        use LivenessStatus as L;
        use SessionState as S;
        let cases = [
            (S::Created, None, L::InProgress),
            (S::InProgress, Some(99.0), L::InProgress),
            (S::Expired, Some(99.0), L::Expired),
            (S::Failed, Some(99.0), L::Failed),
            (S::Succeeded, Some(100.0), L::Passed),
            (S::Succeeded, Some(90.0), L::Passed),
            (S::Succeeded, Some(89.99), L::NeedsReview),
            (S::Succeeded, Some(80.0), L::NeedsReview),
            (S::Succeeded, Some(79.99), L::Failed),
            (S::Succeeded, Some(0.0), L::Failed),
            (S::Succeeded, None, L::NeedsReview),
            (S::Succeeded, Some(f32::NAN), L::NeedsReview),
        ];
        for (state, confidence, expected) in cases {
            assert_eq!(
                decide_liveness(state, confidence, &t),
                expected,
                "{state:?} {confidence:?}"
            );
        }
    }

    #[test]
    fn finality_and_spelling() {
        assert!(!LivenessStatus::InProgress.is_final());
        for s in [
            LivenessStatus::Passed,
            LivenessStatus::Failed,
            LivenessStatus::NeedsReview,
            LivenessStatus::Expired,
        ] {
            assert!(s.is_final());
            assert_eq!(s.as_str().parse::<LivenessStatus>(), Ok(s));
            assert_eq!(
                serde_json::to_value(s).unwrap(),
                serde_json::Value::String(s.to_string())
            );
        }
        assert_eq!(
            serde_json::to_string(&LivenessStatus::InProgress).unwrap(),
            "\"IN_PROGRESS\""
        );
        assert_eq!("in_progress".parse(), Ok(SessionState::InProgress));
        assert_eq!("SUCCEEDED".parse(), Ok(SessionState::Succeeded));
        assert!("DONE".parse::<SessionState>().is_err());
    }

    fn rank(s: LivenessStatus) -> u8 {
        match s {
            LivenessStatus::Passed => 2,
            LivenessStatus::NeedsReview => 1,
            _ => 0,
        }
    }

    proptest! {
        #[test]
        fn raising_confidence_never_worsens(
            a in 0f32..=100.0,
            b in 0f32..=100.0,
            pass in 0f32..=100.0,
            band in 0f32..=100.0,
        ) {
            let t = Thresholds { liveness_pass: pass, liveness_review_band: band.min(pass), ..Thresholds::default() };
            let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
            let s_lo = decide_liveness(SessionState::Succeeded, Some(lo), &t);
            let s_hi = decide_liveness(SessionState::Succeeded, Some(hi), &t);
            prop_assert!(rank(s_hi) >= rank(s_lo), "{lo}->{s_lo:?}, {hi}->{s_hi:?}");
        }
    }
}
