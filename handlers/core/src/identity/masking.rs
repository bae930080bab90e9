//! What of a document number may be shown.

/// Masks a document number for display and logs: only the last four characters stay visible,
/// and at least four mask characters are shown so short numbers are not revealed (a number of
/// up to seven characters keeps fewer visible, down to none).
pub fn mask_document_number(n: &str) -> String {
    let chars: Vec<char> = n.trim().chars().collect();
    let keep = 4.min(chars.len().saturating_sub(4));
    let masked = 4.max(chars.len() - keep);
    let mut out = "*".repeat(masked);
    out.extend(&chars[chars.len() - keep..]);
    out
}
