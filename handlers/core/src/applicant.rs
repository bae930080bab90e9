//! The applicant: who applies, as they declare themself, and how the declaration is validated.
//!
//! Its own module because both the application (which stores it) and identity verification
//! (which compares it with the ID document) read it, and neither should import the other.

use serde::{Deserialize, Serialize};
use time::{Date, Month};

use crate::error::{ApiError, FieldError};

/// Longest accepted name part; generous for real names, small enough to keep items and logs sane.
pub const MAX_NAME_CHARS: usize = 100;

/// What the applicant declares about themself; compared with the ID document later.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Applicant {
    /// Given name(s) as the applicant types them.
    pub given_name: String,
    /// Family name as the applicant types it.
    pub family_name: String,
    /// Date of birth, `YYYY-MM-DD` on the wire.
    #[serde(with = "crate::date_format")]
    pub date_of_birth: Date,
}

/// The `applicant` object of `POST /applications` as sent; fields are optional here so that a
/// missing one is reported as a 422 naming it, alongside any other invalid field.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct ApplicantWire {
    given_name: Option<String>,
    family_name: Option<String>,
    date_of_birth: Option<String>,
}

impl Applicant {
    /// Validates what the applicant declared, on `today` (for the date-of-birth range): a 422
    /// naming every invalid field.
    pub(crate) fn from_declared(a: ApplicantWire, today: Date) -> Result<Applicant, ApiError> {
        let mut errors = Vec::new();
        let given_name = validate_name("applicant.givenName", a.given_name, &mut errors);
        let family_name = validate_name("applicant.familyName", a.family_name, &mut errors);
        let date_of_birth =
            validate_dob("applicant.dateOfBirth", a.date_of_birth, today, &mut errors);
        match (given_name, family_name, date_of_birth) {
            (Some(given_name), Some(family_name), Some(date_of_birth)) if errors.is_empty() => {
                Ok(Applicant {
                    given_name,
                    family_name,
                    date_of_birth,
                })
            }
            _ => Err(ApiError::Validation(errors)),
        }
    }
}

fn validate_name(
    field: &str,
    value: Option<String>,
    errors: &mut Vec<FieldError>,
) -> Option<String> {
    let Some(value) = value else {
        errors.push(FieldError::new(field, "is required"));
        return None;
    };
    let trimmed = value.trim();
    if trimmed.is_empty() {
        errors.push(FieldError::new(field, "must not be empty"));
        None
    } else if trimmed.chars().count() > MAX_NAME_CHARS {
        errors.push(FieldError::new(
            field,
            format!("must be at most {MAX_NAME_CHARS} characters"),
        ));
        None
    } else if trimmed.chars().any(char::is_control) {
        // Control characters have no place in a name and would corrupt logs and documents.
        errors.push(FieldError::new(
            field,
            "must not contain control characters",
        ));
        None
    } else {
        Some(trimmed.to_owned())
    }
}

fn validate_dob(
    field: &str,
    value: Option<String>,
    today: Date,
    errors: &mut Vec<FieldError>,
) -> Option<Date> {
    let Some(value) = value else {
        errors.push(FieldError::new(field, "is required"));
        return None;
    };
    let Some(date) = crate::date_format::parse(value.trim()) else {
        errors.push(FieldError::new(field, "must be a date as YYYY-MM-DD"));
        return None;
    };
    // 1900 is a sanity floor: anything earlier is a typo, not an applicant.
    let floor = Date::from_calendar_date(1900, Month::January, 1).unwrap_or(Date::MIN);
    if date > today {
        errors.push(FieldError::new(field, "must not be in the future"));
        None
    } else if date < floor {
        errors.push(FieldError::new(field, "must not be before 1900-01-01"));
        None
    } else {
        Some(date)
    }
}
