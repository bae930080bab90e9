// Shapes of the LendVerify API (modules/api/openapi.yaml.tftpl). Extracted lending data is kept
// loosely typed on purpose: the app renders whatever fields the API returns.

export type LivenessStatus = 'IN_PROGRESS' | 'PASSED' | 'FAILED' | 'NEEDS_REVIEW' | 'EXPIRED';
export type IdentityDecision = 'APPROVED' | 'REJECTED' | 'NEEDS_REVIEW';
export type LendingStatus = 'IN_PROGRESS' | 'SUCCEEDED' | 'PARTIAL_SUCCESS' | 'FAILED';
export type UploadPurpose = 'ID_FRONT' | 'ID_BACK' | 'LENDING_PACKAGE';

export interface Applicant {
  givenName: string;
  familyName: string;
  dateOfBirth: string;
}

export interface Consent {
  policyVersion: string;
  givenAt: string;
}

export interface DocumentGroup {
  type: string;
  pages: number[];
}

export interface ApplicationSummary {
  applicationId: string;
  createdAt: string;
  status?: string;
}

export interface Application {
  applicationId: string;
  status: string;
  createdAt: string;
  applicant?: Applicant | null;
  consent?: Consent | null;
  liveness?: { sessionId: string; status: LivenessStatus } | null;
  identity?: IdentityVerification | null;
  documents: { documentId: string; status: LendingStatus; documentGroups?: DocumentGroup[] }[];
}

export interface IdentityVerification {
  verificationId: string;
  decision: IdentityDecision;
  reasons: string[];
  document?: Record<string, unknown> | null;
  /** A reviewer's decision, should the API send it with the identity (Application.identity does
   * not list it yet: there the reviewed decision replaces `decision`). */
  review?: IdentityReview | null;
}

export interface LivenessSessionCreated {
  sessionId: string;
  region: string;
}

export interface LivenessSession {
  sessionId: string;
  status: LivenessStatus;
}

export interface UploadUrl {
  uploadId: string;
  url: string;
  method: 'PUT';
  headers: Record<string, string>;
  expiresAt: string;
}

export interface LendingDocument {
  documentId: string;
  status: LendingStatus;
  documentGroups: DocumentGroup[];
  extracted: Record<string, unknown>;
  missingRequired: string[];
  flags: string[];
}

export interface FieldError {
  field: string;
  message: string;
}

export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  instance?: string;
  errors?: FieldError[];
}

// ---- Review (issue 11): reviewer routes and the audit trail. ----

export type ReviewDecision = 'APPROVED' | 'REJECTED';

/** A reviewer's decision on a NEEDS_REVIEW verification. */
export interface IdentityReview {
  decision: ReviewDecision;
  decidedAt: string;
  reasonCodes?: string[];
  note?: string | null;
}

/** One NEEDS_REVIEW application in the queue, oldest first. */
export interface ReviewCaseSummary {
  applicationId: string;
  verificationId: string;
  queuedAt: string;
  reasons: string[];
  decision?: IdentityDecision;
}

export interface ReviewCaseList {
  cases: ReviewCaseSummary[];
  /** Absent or null on the last page. */
  nextToken?: string | null;
}

export type CaseImageKind = 'ID_FRONT' | 'ID_BACK' | 'LIVENESS_REFERENCE' | 'LIVENESS_AUDIT';

/** A presigned GET URL, valid for at most 60 s. */
export interface CaseImage {
  kind: CaseImageKind;
  url: string;
  expiresAt: string;
}

/** The decision's inputs as recorded with it (schema ReviewCase). */
export interface ReviewCase {
  applicationId: string;
  verificationId: string;
  decision: IdentityDecision;
  reasons: string[];
  queuedAt?: string | null;
  /** What the applicant declared on the application. */
  declared?: Applicant | null;
  /** Scores as numbers, 0–100 (livenessConfidence, faceSimilarity). */
  scores?: Record<string, number | null> | null;
  /** Every threshold in force when the decision was made (camelCase names of core's Thresholds). */
  thresholds?: Record<string, unknown> | null;
  /** The thresholds that judged the liveness session (it may predate the identity decision). */
  livenessThresholds?: { passThreshold?: number | null; reviewBand?: number | null } | null;
  document?: Record<string, unknown> | null;
  fieldConfidences?: Record<string, number> | null;
  modelVersions?: Record<string, string> | null;
  images: CaseImage[];
  review?: IdentityReview | null;
}

export interface ReviewDecisionRequest {
  decision: ReviewDecision;
  reasonCodes: string[];
  note?: string;
}

export interface ReviewDecisionRecorded extends IdentityReview {
  applicationId: string;
  verificationId?: string;
  reasonCodes: string[];
}

export type ActorType = 'applicant' | 'reviewer' | 'system';

/** One audit event. The applicant's view (ApplicantEvent) names only the kind of actor; the
 * reviewer's (AuditEvent) is the whole hashed body: actor with `sub`, prevHash, inputs,
 * thresholds and model versions. */
export interface AuditEventRecord {
  seq: number;
  hash: string;
  prevHash?: string;
  kind: string;
  at: string;
  actor: ActorType | { type: ActorType; sub?: string | null };
  reasonCodes?: string[];
  stateBefore?: string | null;
  stateAfter?: string | null;
  inputs?: Record<string, unknown> | null;
  thresholds?: Record<string, unknown> | null;
  modelVersions?: Record<string, string> | null;
}

/** The server's proof of the chain: every hash recomputed over the stored body, every link, and
 * the end at the stored head. */
export interface ChainVerification {
  verified: boolean;
  headSeq?: number;
  headHash?: string;
  /** Why the chain does not verify. */
  error?: string;
}

/** Schemas ApplicationEventList and ReviewEventList: every event, oldest first. */
export interface AuditEventList {
  applicationId?: string;
  events: AuditEventRecord[];
  /** Required on the reviewer's list, optional on the applicant's. */
  chainVerified?: boolean;
  verification?: ChainVerification | null;
}
