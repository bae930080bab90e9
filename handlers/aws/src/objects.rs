//! S3: presigned uploads, existence checks and erasure.

use std::collections::BTreeMap;
use std::time::Duration;

use aws_sdk_s3::presigning::PresigningConfig;
use aws_sdk_s3::types::{Delete, ObjectIdentifier};
use aws_sdk_s3::Client;

use crate::error::AwsError;
use crate::lazy::Lazy;

const SERVICE: &str = "s3";

#[derive(Clone, Debug)]
pub struct Objects {
    client: Lazy<Client>,
}

/// A presigned PUT: the browser must send exactly these headers, because they are signed.
#[derive(Clone, Debug, PartialEq)]
pub struct PresignedPut {
    pub url: String,
    pub headers: BTreeMap<String, String>,
}

impl Objects {
    pub fn new(client: impl Into<Lazy<Client>>) -> Self {
        Self {
            client: client.into(),
        }
    }

    /// Signs a PUT whose signature binds the content type and length, so the browser cannot
    /// upload anything but what it declared (and what validation accepted).
    pub async fn presign_put(
        &self,
        bucket: &str,
        key: &str,
        content_type: &str,
        content_length: u64,
        expires_in: Duration,
    ) -> Result<PresignedPut, AwsError> {
        let config = PresigningConfig::expires_in(expires_in)
            .map_err(|e| AwsError::malformed(SERVICE, e.to_string()))?;
        let length = i64::try_from(content_length)
            .map_err(|_| AwsError::malformed(SERVICE, "content length out of range"))?;
        let request = self
            .client
            .put_object()
            .bucket(bucket)
            .key(key)
            .content_type(content_type)
            .content_length(length)
            .presigned(config)
            .await
            .map_err(|e| AwsError::classify(SERVICE, e))?;
        let mut headers: BTreeMap<String, String> = request
            .headers()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        // Make the contract explicit even where the signer leaves a header implicit.
        headers
            .entry("content-type".into())
            .or_insert_with(|| content_type.to_string());
        headers
            .entry("content-length".into())
            .or_insert_with(|| content_length.to_string());
        Ok(PresignedPut {
            url: request.uri().to_string(),
            headers,
        })
    }

    /// The stored size of an object, or `None` when nothing was uploaded yet.
    pub async fn size(&self, bucket: &str, key: &str) -> Result<Option<u64>, AwsError> {
        match self
            .client
            .head_object()
            .bucket(bucket)
            .key(key)
            .send()
            .await
        {
            Ok(out) => Ok(Some(
                out.content_length
                    .unwrap_or_default()
                    .try_into()
                    .unwrap_or(0),
            )),
            Err(err) => match AwsError::classify(SERVICE, err) {
                AwsError::NotFound { .. } => Ok(None),
                other => Err(other),
            },
        }
    }

    /// Deletes every version and delete marker under a prefix. The buckets are versioned, so a
    /// plain delete would only hide the data; erasure must remove it.
    pub async fn erase_prefix(&self, bucket: &str, prefix: &str) -> Result<u32, AwsError> {
        let mut deleted = 0;
        loop {
            let page = self
                .client
                .list_object_versions()
                .bucket(bucket)
                .prefix(prefix)
                .send()
                .await
                .map_err(|e| AwsError::classify(SERVICE, e))?;
            let versions = page.versions().iter().map(|v| (v.key(), v.version_id()));
            let markers = page
                .delete_markers()
                .iter()
                .map(|m| (m.key(), m.version_id()));
            let objects: Vec<ObjectIdentifier> = versions
                .chain(markers)
                .filter_map(|(key, version)| {
                    ObjectIdentifier::builder()
                        .key(key?)
                        .set_version_id(version.map(str::to_string))
                        .build()
                        .ok()
                })
                .collect();
            if objects.is_empty() {
                return Ok(deleted);
            }
            let count = objects.len() as u32;
            let delete = Delete::builder()
                .set_objects(Some(objects))
                .quiet(true)
                .build()
                .map_err(|e| AwsError::malformed(SERVICE, e.to_string()))?;
            let out = self
                .client
                .delete_objects()
                .bucket(bucket)
                .delete(delete)
                .send()
                .await
                .map_err(|e| AwsError::classify(SERVICE, e))?;
            if let Some(error) = out.errors().first() {
                return Err(AwsError::Unavailable {
                    service: SERVICE,
                    code: error.code().unwrap_or("DeleteObjectsError").to_string(),
                });
            }
            deleted += count;
        }
    }
}
