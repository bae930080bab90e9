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
  /** A reviewer's decision on a NEEDS_REVIEW verification; it is the decision in force. */
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

/** The reviewed decision of an identity verification (absent until a reviewer decides). */
export interface IdentityReview {
  decision: ReviewDecision;
  decidedAt: string;
  reasonCodes?: string[];
}

/** One NEEDS_REVIEW application in the queue, oldest first. */
export interface ReviewCaseSummary {
  applicationId: string;
  verificationId: string;
  queuedAt: string;
  reasons: string[];
}

export interface ReviewCaseList {
  cases: ReviewCaseSummary[];
  /** Absent on the last page. */
  nextToken?: string | null;
}

/** A presigned GET URL (valid for at most 60 s). */
export interface PresignedImage {
  url: string;
  expiresAt?: string;
}

export interface ReviewImages {
  idFront?: PresignedImage | null;
  idBack?: PresignedImage | null;
  livenessReference?: PresignedImage | null;
  livenessAudit?: PresignedImage[];
}

/** Everything the identity decision was made from. Scores and thresholds are numbers keyed by
 * name; a threshold with the same name as a score is the one that score was compared with. */
export interface ReviewCase {
  applicationId: string;
  verificationId: string;
  queuedAt: string;
  decision: IdentityDecision;
  reasons: string[];
  applicant?: Applicant | null;
  scores: Record<string, number | null>;
  thresholds: Record<string, number | null>;
  document?: Record<string, unknown> | null;
  fieldConfidences?: Record<string, number> | null;
  modelVersions?: Record<string, string> | null;
  images: ReviewImages;
  review?: (IdentityReview & { reviewerSub?: string; note?: string | null }) | null;
}

export interface ReviewDecisionRequest {
  decision: ReviewDecision;
  reasonCodes: string[];
  note?: string;
}

export type ActorType = 'applicant' | 'reviewer' | 'system';

/** One audit event. The applicant's view leaves out inputs, thresholds and model versions. */
export interface AuditEventRecord {
  seq: number;
  hash: string;
  prevHash?: string;
  kind: string;
  at: string;
  actor: { type: ActorType; sub?: string | null };
  reasonCodes: string[];
  stateBefore?: string | null;
  stateAfter?: string | null;
  inputs?: Record<string, unknown> | null;
  thresholds?: Record<string, unknown> | null;
  modelVersions?: Record<string, string> | null;
}

/** The result of verifying the hash chain over the events returned. */
export interface ChainVerification {
  verified: boolean;
  /** Why the chain does not verify (absent when it does). */
  error?: string | null;
  headSeq?: number | null;
  headHash?: string | null;
}

export interface AuditEventList {
  events: AuditEventRecord[];
  chain: ChainVerification;
}
