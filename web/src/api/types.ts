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
