//! Everything a handler needs, built once per container at init.

use lendverify_aws::{Aws, AwsSettings};
use lendverify_core::config::{ConfigError, Settings};
use time::OffsetDateTime;

#[derive(Clone, Debug)]
pub struct AppState {
    pub aws: Aws,
    pub settings: Settings,
    /// Injected so tests can pin "today" for expiry and age rules.
    pub clock: fn() -> OffsetDateTime,
}

impl AppState {
    /// Reads every variable and builds the SDK clients. A missing or malformed variable fails
    /// here, at init, naming the variable, instead of at the first request.
    pub async fn from_env() -> Result<Self, ConfigError> {
        let lookup = |name: &str| std::env::var(name).ok();
        let settings = Settings::from_lookup(lookup)?;
        let aws_settings = AwsSettings::from_lookup(lookup)?;
        let sdk = lendverify_aws::load_sdk_config().await;
        Ok(Self {
            aws: Aws::new(&sdk, aws_settings)
                .with_personal_data_retention(settings.personal_data_retention()),
            settings,
            clock: OffsetDateTime::now_utc,
        })
    }

    pub fn now(&self) -> OffsetDateTime {
        (self.clock)()
    }

    /// RFC 3339 timestamp of now, as stored and returned.
    pub fn timestamp(&self) -> String {
        format_timestamp(self.now())
    }
}

pub fn format_timestamp(t: OffsetDateTime) -> String {
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// Reads a stored timestamp back; `None` for anything that is not RFC 3339.
pub fn parse_timestamp(s: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339).ok()
}
