// Who the signed-in user is for this app: a reviewer (member of the Cognito reviewers group) or
// an applicant. The API decides again on every call (403 for non-reviewers); this only picks the
// screens.

/** The Cognito group whose members review NEEDS_REVIEW cases (Terraform's aws_cognito_user_group),
 * unless config.json names another (`reviewersGroup`). */
export const REVIEWERS_GROUP = 'reviewers';

export type Role = 'reviewer' | 'applicant';

/** The groups in an ID token's `cognito:groups` claim: a JSON array in the token itself; also the
 * string forms API Gateway passes on ("a,b", "[a b]", '["a","b"]'), should one reach the app. */
export function groupsOf(claim: unknown): string[] {
  if (Array.isArray(claim)) return claim.filter((g): g is string => typeof g === 'string');
  if (typeof claim !== 'string') return [];
  const text = claim.trim();
  if (text.startsWith('[')) {
    try {
      const parsed = JSON.parse(text) as unknown;
      if (Array.isArray(parsed)) return groupsOf(parsed);
    } catch {
      // "[a b]": not JSON, split below
    }
  }
  return text
    .replace(/^\[|\]$/g, '')
    .split(/[\s,]+/)
    .map((g) => g.replace(/^"|"$/g, ''))
    .filter(Boolean);
}

export function roleOf(idTokenPayload: Record<string, unknown> | undefined, reviewersGroup = REVIEWERS_GROUP): Role {
  return groupsOf(idTokenPayload?.['cognito:groups']).includes(reviewersGroup) ? 'reviewer' : 'applicant';
}
