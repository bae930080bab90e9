//! The adapters' own configuration: resource names and ARNs that Terraform passes in.

use lendverify_core::config::{require, ConfigError};

/// Names and ARNs of the stack's resources, read once at init.
#[derive(Clone, Debug, PartialEq)]
pub struct AwsSettings {
    pub table: String,
    pub uploads_bucket: String,
    pub biometrics_bucket: String,
    pub textract_output_bucket: String,
    pub kms_key_arn: String,
    pub lending_topic_arn: String,
    pub textract_publish_role_arn: String,
    /// The region the liveness session lives in; the browser streams to the same region.
    pub region: String,
    /// Loopback emulators have no per-bucket host names, so the local stage asks for path-style.
    pub s3_force_path_style: bool,
}

impl AwsSettings {
    /// Reads every variable; the first missing one fails with its name.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let region = require(
            |name: &str| lookup(name).or_else(|| lookup("AWS_DEFAULT_REGION")),
            "AWS_REGION",
        )?;
        Ok(Self {
            table: require(&lookup, "APPLICATIONS_TABLE")?,
            uploads_bucket: require(&lookup, "UPLOADS_BUCKET")?,
            biometrics_bucket: require(&lookup, "BIOMETRICS_BUCKET")?,
            textract_output_bucket: require(&lookup, "TEXTRACT_OUTPUT_BUCKET")?,
            kms_key_arn: require(&lookup, "KMS_KEY_ARN")?,
            lending_topic_arn: require(&lookup, "LENDING_TOPIC_ARN")?,
            textract_publish_role_arn: require(&lookup, "TEXTRACT_PUBLISH_ROLE_ARN")?,
            region,
            s3_force_path_style: lookup("S3_FORCE_PATH_STYLE").is_some_and(|v| v == "true"),
        })
    }

    /// The prefix under which every object of one application lives, in every bucket.
    pub fn application_prefix(application_id: &str) -> String {
        format!("applications/{application_id}/")
    }

    /// All three buckets, for erasure.
    pub fn buckets(&self) -> [&str; 3] {
        [
            &self.uploads_bucket,
            &self.biometrics_bucket,
            &self.textract_output_bucket,
        ]
    }
}
