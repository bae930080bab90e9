//! S3: presigned uploads, the first bytes of an upload, erasure, and the evidence kept from it.

use std::collections::BTreeMap;
use std::time::Duration;

use aws_sdk_s3::presigning::PresigningConfig;
use aws_sdk_s3::types::{Delete, ObjectIdentifier};
use aws_sdk_s3::Client;

use lendverify_core::UploadProblem;

use crate::error::{table, Answer, AwsError, Op};
use crate::lazy::Lazy;

#[derive(Clone, Debug)]
pub struct Objects {
    client: Lazy<Client>,
}

/// An object in S3, by bucket and key: what uploads are stored as, and what Rekognition and
/// Textract are pointed at. With a `version`, exactly that version: the one that was checked is
/// the one analysed, whatever is written to the key later.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct S3Location {
    pub bucket: String,
    pub key: String,
    pub version: Option<String>,
}

impl S3Location {
    /// The latest version of `key` in `bucket`.
    pub fn latest(bucket: impl Into<String>, key: impl Into<String>) -> Self {
        Self {
            bucket: bucket.into(),
            key: key.into(),
            version: None,
        }
    }
}

/// The first bytes of an object, and the version they were read from (`None` where S3 has no
/// versioning, or the object is empty).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ObjectHead {
    pub bytes: Vec<u8>,
    pub version: Option<String>,
}

/// A presigned PUT: the browser must send exactly these headers, because they are signed.
#[derive(Clone, Debug, PartialEq)]
pub struct PresignedPut {
    pub url: String,
    pub headers: BTreeMap<String, String>,
}

/// A GetObject body, read to the end; a connection lost on the way is transient.
async fn body_bytes(body: aws_sdk_s3::primitives::ByteStream) -> Result<Vec<u8>, AwsError> {
    body.collect()
        .await
        .map(|bytes| bytes.to_vec())
        .map_err(|_| {
            AwsError::from_answer(
                Op::GetObject,
                Answer::Transient,
                "BodyInterrupted",
                None,
                None,
            )
        })
}

impl Objects {
    pub fn new(client: impl Into<Lazy<Client>>) -> Self {
        Self {
            client: client.into(),
        }
    }

    /// Signs a PUT whose signature binds the content type and length, so the browser cannot
    /// upload anything but what it declared (and what validation accepted), and `If-None-Match:
    /// *`, so the URL writes the key once: S3 refuses a second PUT to an existing key (412), and
    /// evidence cannot be replaced by replaying the URL before it expires.
    pub async fn presign_put(
        &self,
        bucket: &str,
        key: &str,
        content_type: &str,
        content_length: u64,
        expires_in: Duration,
    ) -> Result<PresignedPut, AwsError> {
        let config = PresigningConfig::expires_in(expires_in)
            .map_err(|_| AwsError::malformed(Op::PutObject, "presigning lifetime out of range"))?;
        let length = i64::try_from(content_length)
            .map_err(|_| AwsError::malformed(Op::PutObject, "content length out of range"))?;
        let request = self
            .client
            .put_object()
            .bucket(bucket)
            .key(key)
            .content_type(content_type)
            .content_length(length)
            .if_none_match("*")
            .presigned(config)
            .await
            .map_err(|e| AwsError::classify(Op::PutObject, e))?;
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

    /// The longest a presigned GET of an applicant's image may live: a reviewer opens it at once,
    /// and a leaked URL must be useless within a minute.
    pub const MAX_GET_URL_LIFETIME: Duration = Duration::from_secs(60);

    /// Signs a GET of one object for at most [`Objects::MAX_GET_URL_LIFETIME`]. Signing calls no
    /// service; S3 checks the signer's permission when the URL is used.
    pub async fn presign_get(
        &self,
        location: &S3Location,
        expires_in: Duration,
    ) -> Result<String, AwsError> {
        let config = PresigningConfig::expires_in(expires_in.min(Self::MAX_GET_URL_LIFETIME))
            .map_err(|_| AwsError::malformed(Op::GetObject, "presigning lifetime out of range"))?;
        let request = self
            .client
            .get_object()
            .bucket(&location.bucket)
            .key(&location.key)
            .set_version_id(location.version.clone())
            .presigned(config)
            .await
            .map_err(|e| AwsError::classify(Op::GetObject, e))?;
        Ok(request.uri().to_string())
    }

    /// The first `len` bytes of an object (a ranged GET), or `None` when nothing was uploaded
    /// yet. An empty object answers `Some` of no bytes. This is the one read of an upload before
    /// it is analysed: it proves the upload arrived and shows what it really is.
    pub async fn first_bytes(
        &self,
        bucket: &str,
        key: &str,
        len: u64,
    ) -> Result<Option<ObjectHead>, AwsError> {
        let range = format!("bytes=0-{}", len.saturating_sub(1));
        let out = match self
            .client
            .get_object()
            .bucket(bucket)
            .key(key)
            .range(range)
            .send()
            .await
        {
            Ok(out) => out,
            Err(err) => {
                return match AwsError::classify(Op::GetObject, err) {
                    AwsError::NotFound { .. } => Ok(None),
                    // InvalidRange: S3's answer for a range of an empty object.
                    AwsError::Upload {
                        problem: UploadProblem::ContentMismatch,
                        ..
                    } => Ok(Some(ObjectHead::default())),
                    other => Err(other),
                };
            }
        };
        let version = out.version_id.clone();
        let mut bytes = body_bytes(out.body).await?;
        // A server that ignores Range sends everything; only the head is wanted.
        bytes.truncate(usize::try_from(len).unwrap_or(usize::MAX));
        Ok(Some(ObjectHead { bytes, version }))
    }

    /// Copies exactly `source` (its version, when it names one) to `key` in the evidence bucket,
    /// where the bucket's Object Lock default retention locks the copy on arrival; `false` when
    /// the source is gone (an audit image Rekognition never wrote, say), which the evidence
    /// record then says.
    ///
    /// Read and written rather than `CopyObject`: S3 takes an upload into a bucket with default
    /// retention only with a checksum of the body (`Content-MD5` or `x-amz-sdk-checksum-algorithm`),
    /// which a PUT of the bytes carries. The objects are ID and liveness images, at most the
    /// upload ceiling and usually a few hundred kilobytes.
    pub async fn copy_to_evidence(
        &self,
        source: &S3Location,
        evidence_bucket: &str,
        key: &str,
    ) -> Result<bool, AwsError> {
        let out = match self
            .client
            .get_object()
            .bucket(&source.bucket)
            .key(&source.key)
            .set_version_id(source.version.clone())
            .send()
            .await
        {
            Ok(out) => out,
            Err(err) => {
                return match AwsError::classify(Op::GetObject, err) {
                    AwsError::NotFound { .. } => Ok(false),
                    other => Err(other),
                }
            }
        };
        let content_type = out.content_type.clone();
        let bytes = body_bytes(out.body).await?;
        self.put_evidence(evidence_bucket, key, content_type, bytes)
            .await?;
        Ok(true)
    }

    /// Writes a JSON record of the evidence (the decision and its audit events) to `key` in the
    /// evidence bucket, locked on arrival like the copies.
    pub async fn put_evidence_record(
        &self,
        evidence_bucket: &str,
        key: &str,
        body: Vec<u8>,
    ) -> Result<(), AwsError> {
        self.put_evidence(evidence_bucket, key, Some("application/json".into()), body)
            .await
    }

    /// One PUT into the evidence bucket, with the SHA-256 checksum Object Lock requires.
    async fn put_evidence(
        &self,
        evidence_bucket: &str,
        key: &str,
        content_type: Option<String>,
        body: Vec<u8>,
    ) -> Result<(), AwsError> {
        self.client
            .put_object()
            .bucket(evidence_bucket)
            .key(key)
            .set_content_type(content_type)
            .checksum_algorithm(aws_sdk_s3::types::ChecksumAlgorithm::Sha256)
            .body(body.into())
            .send()
            .await
            .map(|_| ())
            .map_err(|e| AwsError::classify(Op::PutEvidence, e))
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
                .map_err(|e| AwsError::classify(Op::ListObjectVersions, e))?;
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
                .map_err(|_| AwsError::malformed(Op::DeleteObjects, "Delete"))?;
            let out = self
                .client
                .delete_objects()
                .bucket(bucket)
                .delete(delete)
                .send()
                .await
                .map_err(|e| AwsError::classify(Op::DeleteObjects, e))?;
            // Per-key failures come back in a 200: answered by the same table (an unknown code
            // is ours: logged and looked at, and a repeated DELETE finishes the erasure).
            if let Some(error) = out.errors().first() {
                let code = error.code().unwrap_or("DeleteObjectsError");
                let answer = table::answer(Op::DeleteObjects, code, None);
                return Err(AwsError::from_answer(
                    Op::DeleteObjects,
                    answer,
                    code,
                    Some(200),
                    None,
                ));
            }
            deleted += count;
        }
    }
}
