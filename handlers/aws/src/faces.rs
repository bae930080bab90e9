//! Rekognition CompareFaces: the liveness reference face against the face on the ID.

use aws_sdk_rekognition::types::{Image, QualityFilter, S3Object};
use aws_sdk_rekognition::Client;
use lendverify_core::identity::FaceComparison;

use crate::error::{AwsError, Op};
use crate::lazy::Lazy;
use crate::objects::S3Location;

/// CompareFaces only returns matches at or above the threshold it is given; asking for 0 returns
/// the similarity of every detected face, so the domain rules (not Rekognition) draw the line
/// between match, review and mismatch.
const REPORT_EVERY_SIMILARITY: f32 = 0.0;

#[derive(Clone, Debug)]
pub struct Faces {
    client: Lazy<Client>,
}

fn image(location: &S3Location) -> Image {
    Image::builder()
        .s3_object(
            S3Object::builder()
                .bucket(&location.bucket)
                .name(&location.key)
                .set_version(location.version.clone())
                .build(),
        )
        .build()
}

impl Faces {
    pub fn new(client: impl Into<Lazy<Client>>) -> Self {
        Self {
            client: client.into(),
        }
    }

    pub async fn compare(
        &self,
        source: &S3Location,
        target: &S3Location,
    ) -> Result<FaceComparison, AwsError> {
        let result = self
            .client
            .compare_faces()
            .source_image(image(source))
            .target_image(image(target))
            .similarity_threshold(REPORT_EVERY_SIMILARITY)
            .quality_filter(QualityFilter::Auto)
            .send()
            .await;
        let out = match result {
            Ok(out) => out,
            Err(err) => {
                return match AwsError::classify(Op::CompareFaces, err) {
                    // Rekognition answers InvalidParameterException when it finds no face in the
                    // source image (the error table's `Outcome`): the reference image is
                    // unusable, which the rules treat as "no face", not as a server fault.
                    AwsError::Outcome { .. } => Ok(FaceComparison {
                        source_face_found: false,
                        target_face_found: false,
                        best_similarity: None,
                    }),
                    other => Err(other),
                };
            }
        };
        let best_similarity = out
            .face_matches()
            .iter()
            .filter_map(|m| m.similarity())
            .fold(None, |best: Option<f32>, s| {
                Some(best.map_or(s, |b| b.max(s)))
            });
        let target_face_found = !out.face_matches().is_empty() || !out.unmatched_faces().is_empty();
        Ok(FaceComparison {
            source_face_found: out.source_image_face().is_some(),
            target_face_found,
            best_similarity: best_similarity.or(target_face_found.then_some(0.0)),
        })
    }
}
