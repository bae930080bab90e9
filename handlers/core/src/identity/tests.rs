//! The identity rules' table and property tests.

use proptest::prelude::*;
use time::macros::date;
use time::Date;

use super::*;
use crate::applicant::Applicant;
use crate::config::Thresholds;
use crate::liveness::LivenessStatus;

const TODAY: Date = date!(2025 - 06 - 15);
const SPECIMEN_MRZ: &str =
    "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10";

fn field(v: &str, c: f32) -> Option<ExtractedField> {
    Some(ExtractedField {
        value: v.to_owned(),
        confidence: c,
    })
}

/// A clean driver license that should be APPROVED.
fn good_doc() -> IdDocument {
    IdDocument {
        kind: DocumentKind::DriverLicense,
        given_name: field("JOSE", 99.0),
        family_name: field("MÜLLER-SMITH", 99.0),
        date_of_birth: Some((date!(1990 - 03 - 18), 99.0)),
        expires_on: Some((date!(2030 - 01 - 20), 99.0)),
        document_number: field("736HDV7874JSB", 99.0),
        mrz: None,
    }
}

/// The ICAO specimen passport, with printed fields agreeing with its MRZ and an expiry moved
/// into the future (by deciding "today" in 2011).
fn specimen_passport() -> IdDocument {
    IdDocument {
        kind: DocumentKind::Passport,
        given_name: field("Anna Maria", 99.0),
        family_name: field("Eriksson", 99.0),
        date_of_birth: Some((date!(1974 - 08 - 12), 99.0)),
        expires_on: Some((date!(2012 - 04 - 15), 99.0)),
        document_number: field("L898902C3", 99.0),
        mrz: Some(SPECIMEN_MRZ.to_owned()),
    }
}

fn declared() -> Applicant {
    Applicant {
        given_name: "José".to_owned(),
        family_name: "Muller Smith".to_owned(),
        date_of_birth: date!(1990 - 03 - 18),
    }
}

fn face(similarity: f32) -> FaceComparison {
    FaceComparison {
        source_face_found: true,
        target_face_found: true,
        best_similarity: Some(similarity),
    }
}

fn decide(
    liveness: LivenessStatus,
    face: FaceComparison,
    doc: &IdDocument,
    declared: Option<&Applicant>,
    today: Date,
) -> IdentityOutcome {
    decide_identity(
        &IdentityInput {
            liveness,
            face,
            document: doc,
            declared,
            today,
        },
        &Thresholds::default(),
    )
}

#[test]
fn decision_table() {
    use Decision::*;
    use ReasonCode::*;
    let applicant = declared();
    let base = good_doc();
    let with = |f: &dyn Fn(&mut IdDocument)| {
        let mut d = base.clone();
        f(&mut d);
        d
    };
    let l_ok = LivenessStatus::Passed;
    type Case = (
        &'static str,
        LivenessStatus,
        FaceComparison,
        IdDocument,
        Option<Applicant>,
        Decision,
        Vec<ReasonCode>,
    );
    let cases: Vec<Case> = vec![
        (
            "all good",
            l_ok,
            face(99.5),
            base.clone(),
            Some(applicant.clone()),
            Approved,
            vec![],
        ),
        (
            "no declared data",
            l_ok,
            face(99.0),
            base.clone(),
            None,
            Approved,
            vec![],
        ),
        (
            "liveness failed",
            LivenessStatus::Failed,
            face(99.5),
            base.clone(),
            None,
            Rejected,
            vec![LivenessFailed],
        ),
        (
            "liveness expired",
            LivenessStatus::Expired,
            face(99.5),
            base.clone(),
            None,
            Rejected,
            vec![LivenessFailed],
        ),
        (
            "liveness unfinished",
            LivenessStatus::InProgress,
            face(99.5),
            base.clone(),
            None,
            Rejected,
            vec![LivenessFailed],
        ),
        (
            "liveness review",
            LivenessStatus::NeedsReview,
            face(99.5),
            base.clone(),
            None,
            NeedsReview,
            vec![LivenessBorderline],
        ),
        (
            "no face on document",
            l_ok,
            FaceComparison {
                source_face_found: true,
                target_face_found: false,
                best_similarity: None,
            },
            base.clone(),
            None,
            Rejected,
            vec![NoFaceOnDocument],
        ),
        (
            "no face in reference",
            l_ok,
            FaceComparison {
                source_face_found: false,
                target_face_found: true,
                best_similarity: None,
            },
            base.clone(),
            None,
            Rejected,
            vec![FaceMismatch],
        ),
        (
            "no match reported",
            l_ok,
            FaceComparison {
                best_similarity: None,
                ..face(0.0)
            },
            base.clone(),
            None,
            Rejected,
            vec![FaceMismatch],
        ),
        (
            "NaN similarity",
            l_ok,
            face(f32::NAN),
            base.clone(),
            None,
            Rejected,
            vec![FaceMismatch],
        ),
        (
            "similarity below band",
            l_ok,
            face(94.99),
            base.clone(),
            None,
            Rejected,
            vec![FaceMismatch],
        ),
        (
            "similarity at band floor",
            l_ok,
            face(95.0),
            base.clone(),
            None,
            NeedsReview,
            vec![FaceSimilarityBorderline],
        ),
        (
            "similarity just under threshold",
            l_ok,
            face(98.99),
            base.clone(),
            None,
            NeedsReview,
            vec![FaceSimilarityBorderline],
        ),
        (
            "expired yesterday",
            l_ok,
            face(99.5),
            with(&|d| d.expires_on = Some((date!(2025 - 06 - 14), 99.0))),
            None,
            Rejected,
            vec![DocumentExpired],
        ),
        (
            "expires today",
            l_ok,
            face(99.5),
            with(&|d| d.expires_on = Some((TODAY, 99.0))),
            None,
            Approved,
            vec![],
        ),
        (
            "17 tomorrow 18",
            l_ok,
            face(99.5),
            with(&|d| d.date_of_birth = Some((date!(2007 - 06 - 16), 99.0))),
            None,
            Rejected,
            vec![Underage],
        ),
        (
            "18 today",
            l_ok,
            face(99.5),
            with(&|d| d.date_of_birth = Some((date!(2007 - 06 - 15), 99.0))),
            None,
            Approved,
            vec![],
        ),
        (
            "family name differs",
            l_ok,
            face(99.5),
            with(&|d| d.family_name = field("MILLER", 99.0)),
            Some(applicant.clone()),
            Rejected,
            vec![NameMismatch],
        ),
        (
            "given name differs",
            l_ok,
            face(99.5),
            with(&|d| d.given_name = field("JOSEPH", 99.0)),
            Some(applicant.clone()),
            Rejected,
            vec![NameMismatch],
        ),
        (
            "middle name on document",
            l_ok,
            face(99.5),
            with(&|d| d.given_name = field("JOSE LUIS", 99.0)),
            Some(applicant.clone()),
            Approved,
            vec![],
        ),
        (
            "dob differs",
            l_ok,
            face(99.5),
            with(&|d| d.date_of_birth = Some((date!(1990 - 03 - 19), 99.0))),
            Some(applicant.clone()),
            Rejected,
            vec![DobMismatch],
        ),
        (
            "low name confidence",
            l_ok,
            face(99.5),
            with(&|d| d.given_name = field("JOSE", 89.9)),
            None,
            NeedsReview,
            vec![LowExtractionConfidence],
        ),
        (
            "low expiry confidence",
            l_ok,
            face(99.5),
            with(&|d| d.expires_on = Some((date!(2030 - 01 - 20), 50.0))),
            None,
            NeedsReview,
            vec![LowExtractionConfidence],
        ),
        (
            "low number confidence",
            l_ok,
            face(99.5),
            with(&|d| d.document_number = field("X", f32::NAN)),
            None,
            NeedsReview,
            vec![LowExtractionConfidence],
        ),
        (
            "missing name",
            l_ok,
            face(99.5),
            with(&|d| d.family_name = None),
            Some(applicant.clone()),
            NeedsReview,
            vec![MissingField],
        ),
        (
            "blank name",
            l_ok,
            face(99.5),
            with(&|d| d.given_name = field("  ", 99.0)),
            Some(applicant.clone()),
            NeedsReview,
            vec![MissingField],
        ),
        (
            "missing dob",
            l_ok,
            face(99.5),
            with(&|d| d.date_of_birth = None),
            Some(applicant.clone()),
            NeedsReview,
            vec![MissingField],
        ),
        (
            "missing expiry",
            l_ok,
            face(99.5),
            with(&|d| d.expires_on = None),
            None,
            NeedsReview,
            vec![MissingField],
        ),
        (
            "passport without MRZ",
            l_ok,
            face(99.5),
            with(&|d| d.kind = DocumentKind::Passport),
            None,
            NeedsReview,
            vec![MissingField],
        ),
        (
            "garbage MRZ",
            l_ok,
            face(99.5),
            with(&|d| d.mrz = Some("P<NOPE".to_owned())),
            None,
            Rejected,
            vec![MrzInvalid],
        ),
        (
            "everything wrong",
            LivenessStatus::Failed,
            face(50.0),
            with(&|d| {
                d.expires_on = Some((date!(2020 - 01 - 01), 10.0));
                d.given_name = None;
            }),
            Some(applicant.clone()),
            Rejected,
            vec![
                LivenessFailed,
                FaceMismatch,
                DocumentExpired,
                LowExtractionConfidence,
                MissingField,
            ],
        ),
    ];
    for (name, liveness, face, doc, declared, decision, reasons) in cases {
        let out = decide(liveness, face, &doc, declared.as_ref(), TODAY);
        assert_eq!(out.decision, decision, "{name}: {out:?}");
        assert_eq!(out.reasons, reasons, "{name}");
    }
}

#[test]
fn passport_mrz_rules() {
    use ReasonCode::*;
    let today = date!(2011 - 01 - 01);
    let ok = decide(
        LivenessStatus::Passed,
        face(99.5),
        &specimen_passport(),
        None,
        today,
    );
    assert_eq!(ok.decision, Decision::Approved, "{ok:?}");
    type Mutation = Box<dyn Fn(&mut IdDocument)>;
    let cases: Vec<(&str, Mutation)> = vec![
        (
            "check digit",
            Box::new(|d| d.mrz = Some(SPECIMEN_MRZ.replace("C36", "C35"))),
        ),
        (
            "number differs",
            Box::new(|d| d.document_number = field("L898902C4", 99.0)),
        ),
        (
            "dob differs",
            Box::new(|d| d.date_of_birth = Some((date!(1974 - 08 - 13), 99.0))),
        ),
        (
            "expiry differs",
            Box::new(|d| d.expires_on = Some((date!(2012 - 04 - 16), 99.0))),
        ),
        (
            "surname differs",
            Box::new(|d| d.family_name = field("Eriksen", 99.0)),
        ),
    ];
    for (name, mutate) in cases {
        let mut doc = specimen_passport();
        mutate(&mut doc);
        let out = decide(LivenessStatus::Passed, face(99.5), &doc, None, today);
        assert_eq!(out.decision, Decision::Rejected, "{name}");
        assert!(out.reasons.contains(&MrzInvalid), "{name}: {out:?}");
    }
    // Tolerated: the printed number formatted differently from the MRZ.
    let mut doc = specimen_passport();
    doc.document_number = field("l898 902-c3", 99.0);
    let out = decide(LivenessStatus::Passed, face(99.5), &doc, None, today);
    assert_eq!(out.decision, Decision::Approved, "{out:?}");
    // The specimen is expired on a real "today".
    let out = decide(
        LivenessStatus::Passed,
        face(99.5),
        &specimen_passport(),
        None,
        TODAY,
    );
    assert_eq!(out.reasons, vec![DocumentExpired]);
}

#[test]
fn from_fields_mapping() {
    let f = |t: &str, text: &str, norm: Option<&str>, c: f32| DocumentField {
        field_type: t.to_owned(),
        text: text.to_owned(),
        normalized: norm.map(str::to_owned),
        confidence: c,
    };
    let doc = IdDocument::from_fields(&[
        f("ID_TYPE", "DRIVER LICENSE FRONT", None, 98.0),
        f("FIRST_NAME", "MARIA", None, 97.0),
        f("MIDDLE_NAME", "LUISA", None, 91.0),
        f("LAST_NAME", "GARCIA", None, 99.0),
        f(
            "DATE_OF_BIRTH",
            "03/18/2001",
            Some("2001-03-18T00:00:00"),
            96.0,
        ),
        f("EXPIRATION_DATE", "01/20/2028", None, 95.0),
        f("DOCUMENT_NUMBER", "736HDV7874JSB", None, 94.0),
        f("MRZ_CODE", "", None, 99.0),
        f("SUFFIX", "", None, 99.0),
    ]);
    assert_eq!(doc.kind, DocumentKind::DriverLicense);
    assert_eq!(doc.given_name, field("MARIA LUISA", 91.0));
    assert_eq!(doc.family_name, field("GARCIA", 99.0));
    assert_eq!(doc.date_of_birth, Some((date!(2001 - 03 - 18), 96.0)));
    assert_eq!(doc.expires_on, Some((date!(2028 - 01 - 20), 95.0)));
    assert_eq!(doc.document_number, field("736HDV7874JSB", 94.0));
    assert_eq!(doc.mrz, None);

    let passport = IdDocument::from_fields(&[
        f("ID_TYPE", "PASSPORT", None, 98.0),
        f("LAST_NAME", "", None, 10.0),
        f("LAST_NAME", "ERIKSSON", None, 99.0),
        f("DATE_OF_BIRTH", "12 AUG 1974", None, 96.0),
        f("EXPIRATION_DATE", "garbled", None, 95.0),
        f("MRZ_CODE", SPECIMEN_MRZ, None, 99.0),
    ]);
    assert_eq!(passport.kind, DocumentKind::Passport);
    assert_eq!(passport.family_name, field("ERIKSSON", 99.0));
    assert_eq!(passport.given_name, None);
    assert_eq!(passport.date_of_birth, Some((date!(1974 - 08 - 12), 96.0)));
    assert_eq!(passport.expires_on, None);
    assert_eq!(passport.mrz.as_deref(), Some(SPECIMEN_MRZ));

    assert_eq!(IdDocument::from_fields(&[]).kind, DocumentKind::Other);
    let other = IdDocument::from_fields(&[f("ID_TYPE", "STATE ID", None, 90.0)]);
    assert_eq!(other.kind, DocumentKind::Other);
}

#[test]
fn ages() {
    let cases = [
        (date!(2007 - 06 - 15), date!(2025 - 06 - 15), 18),
        (date!(2007 - 06 - 16), date!(2025 - 06 - 15), 17),
        (date!(2004 - 02 - 29), date!(2022 - 02 - 28), 17),
        (date!(2004 - 02 - 29), date!(2022 - 03 - 01), 18),
        (date!(2004 - 02 - 29), date!(2024 - 02 - 29), 20),
        (date!(2030 - 01 - 01), date!(2025 - 06 - 15), 0),
        (date!(1700 - 01 - 01), date!(2025 - 06 - 15), 255),
    ];
    for (dob, today, age) in cases {
        assert_eq!(age_on(dob, today), age, "{dob} on {today}");
    }
}

#[test]
fn masking() {
    let cases = [
        ("736HDV7874JSB", "*********4JSB"),
        ("12345678", "****5678"),
        ("1234567", "****567"),
        ("12345", "****5"),
        ("1234", "****"),
        ("1", "****"),
        ("", "****"),
        (" ÄÖÜ12345 ", "****2345"),
    ];
    for (n, masked) in cases {
        assert_eq!(mask_document_number(n), masked, "{n:?}");
    }
}

#[test]
fn wire_spellings() {
    assert_eq!(
        serde_json::to_value(IdentityOutcome {
            decision: Decision::NeedsReview,
            reasons: vec![ReasonCode::LowExtractionConfidence, ReasonCode::MrzInvalid],
        })
        .unwrap(),
        serde_json::json!({"decision": "NEEDS_REVIEW", "reasons": ["LOW_EXTRACTION_CONFIDENCE", "MRZ_INVALID"]})
    );
    assert_eq!(
        serde_json::to_string(&ReasonCode::DobMismatch).unwrap(),
        "\"DOB_MISMATCH\""
    );
    assert_eq!(
        serde_json::to_string(&DocumentKind::DriverLicense).unwrap(),
        "\"DRIVER_LICENSE\""
    );
}

// ---- properties ----

fn liveness() -> impl Strategy<Value = LivenessStatus> {
    prop::sample::select(vec![
        LivenessStatus::Passed,
        LivenessStatus::NeedsReview,
        LivenessStatus::Failed,
        LivenessStatus::Expired,
        LivenessStatus::InProgress,
    ])
}

fn confidence() -> impl Strategy<Value = f32> {
    prop_oneof![0f32..=100.0, Just(90.0), Just(89.999)]
}

fn opt_field(value: &'static str) -> impl Strategy<Value = Option<ExtractedField>> {
    prop::option::weighted(0.9, confidence()).prop_map(move |c| {
        c.map(|confidence| ExtractedField {
            value: value.to_owned(),
            confidence,
        })
    })
}

/// Documents around the good one: fields may be missing, confidences vary, dates move.
fn document() -> impl Strategy<Value = IdDocument> {
    (
        prop::sample::select(vec![
            DocumentKind::DriverLicense,
            DocumentKind::Passport,
            DocumentKind::Other,
        ]),
        opt_field("JOSE"),
        prop_oneof![opt_field("MULLER SMITH"), opt_field("MILLER")],
        prop::option::weighted(
            0.9,
            (
                prop::sample::select(vec![date!(1990 - 03 - 18), date!(2010 - 01 - 01)]),
                confidence(),
            ),
        ),
        prop::option::weighted(
            0.9,
            (
                prop::sample::select(vec![date!(2030 - 01 - 20), date!(2020 - 01 - 20)]),
                confidence(),
            ),
        ),
        opt_field("736HDV7874JSB"),
    )
        .prop_map(
            |(kind, given_name, family_name, date_of_birth, expires_on, document_number)| {
                IdDocument {
                    kind,
                    given_name,
                    family_name,
                    date_of_birth,
                    expires_on,
                    document_number,
                    mrz: None,
                }
            },
        )
}

fn decide_with(
    liveness: LivenessStatus,
    face: FaceComparison,
    doc: &IdDocument,
    with_declared: bool,
) -> IdentityOutcome {
    let applicant = declared();
    decide(
        liveness,
        face,
        doc,
        with_declared.then_some(&applicant),
        TODAY,
    )
}

proptest! {
    #[test]
    fn approved_iff_no_reasons(
        l in liveness(), s in prop::option::of(0f32..=100.0), target in any::<bool>(),
        doc in document(), with_declared in any::<bool>(),
    ) {
        let face = FaceComparison { source_face_found: true, target_face_found: target, best_similarity: s };
        let out = decide_with(l, face, &doc, with_declared);
        prop_assert_eq!(out.decision == Decision::Approved, out.reasons.is_empty());
        let mut sorted = out.reasons.clone();
        sorted.sort();
        sorted.dedup();
        prop_assert_eq!(sorted, out.reasons.clone());
        prop_assert_eq!(out.decision == Decision::Rejected, out.reasons.iter().any(ReasonCode::is_hard));
    }

    #[test]
    fn raising_similarity_never_worsens(
        l in liveness(), a in 0f32..=100.0, b in 0f32..=100.0,
        doc in document(), with_declared in any::<bool>(),
    ) {
        let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
        let before = decide_with(l, face(lo), &doc, with_declared).decision;
        let after = decide_with(l, face(hi), &doc, with_declared).decision;
        prop_assert!(after.rank() >= before.rank(), "{lo}: {before:?} -> {hi}: {after:?}");
        prop_assert!(!(before == Decision::Approved && after == Decision::Rejected));
    }

    #[test]
    fn raising_any_confidence_never_worsens(
        l in liveness(), s in 90f32..=100.0, doc in document(), with_declared in any::<bool>(),
        which in 0usize..5, raise in 0f32..=100.0,
    ) {
        let before = decide_with(l, face(s), &doc, with_declared).decision;
        let mut raised = doc.clone();
        let bump = |c: &mut f32| *c = (*c + raise).min(100.0);
        match which {
            0 => if let Some(f) = raised.given_name.as_mut() { bump(&mut f.confidence) },
            1 => if let Some(f) = raised.family_name.as_mut() { bump(&mut f.confidence) },
            2 => if let Some((_, c)) = raised.date_of_birth.as_mut() { bump(c) },
            3 => if let Some((_, c)) = raised.expires_on.as_mut() { bump(c) },
            _ => if let Some(f) = raised.document_number.as_mut() { bump(&mut f.confidence) },
        }
        let after = decide_with(l, face(s), &raised, with_declared).decision;
        prop_assert!(after.rank() >= before.rank(), "{before:?} -> {after:?}");
    }

    #[test]
    fn mask_hides_all_but_four(n in "[A-Z0-9]{0,20}") {
        let m = mask_document_number(&n);
        let stars = m.chars().take_while(|c| *c == '*').count();
        prop_assert!(stars >= 4);
        let visible = m.chars().count() - stars;
        prop_assert!(visible <= 4);
        prop_assert!(visible <= n.len().saturating_sub(4));
        prop_assert!(n.ends_with(&m[stars..]));
    }
}
