//! Identity verification: is the live person the holder of a valid ID document, and is
//! that the person who applied?
//!
//! The adapters gather the evidence (liveness status, CompareFaces result, AnalyzeID fields); the
//! decision is made here, in one pure function, so every rule is covered by table tests and
//! monotonicity properties. Outcomes are three-valued because automated checks should only
//! *reject* on clear evidence and send anything uncertain to a human.
//!
//! - [`document`]: the ID document as read, and how the reader's fields map onto it;
//! - [`decision`]: the decision over the evidence, and the age rule;
//! - [`masking`]: what of a document number may be shown.

pub mod decision;
pub mod document;
pub mod masking;

#[cfg(test)]
mod tests;

pub use decision::{
    age_on, decide_identity, Decision, FaceComparison, IdentityInput, IdentityOutcome, ReasonCode,
};
pub use document::{analyze_id_fields, DocumentField, DocumentKind, ExtractedField, IdDocument};
pub use masking::mask_document_number;
