// Which screen to show, derived only from the application's state on the API plus the few
// choices the applicant made on this page. A reload therefore resumes at the right step.
import type { Application, IdentityDecision, IdentityVerification } from './api/types';

export type StepId = 'consent' | 'application' | 'liveness' | 'identity' | 'documents';

export type Stage =
  | { kind: 'consent' }
  | { kind: 'form' }
  | { kind: 'liveness' }
  | { kind: 'id-upload' }
  | { kind: 'identity-result' }
  | { kind: 'lending-upload' }
  | { kind: 'documents'; documentId: string };

export interface LocalChoices {
  /** Consent ticked before an application exists; recorded on the API right after creation. */
  consentAccepted: boolean;
  /** "Continue to mortgage documents" pressed on the identity result. */
  identityAcknowledged: boolean;
  /** "Upload another package" pressed on the document status. */
  uploadAnother: boolean;
}

export const NO_CHOICES: LocalChoices = {
  consentAccepted: false,
  identityAcknowledged: false,
  uploadAnother: false,
};

/** The identity decision in force: a reviewer's once they have decided, else the automated one. */
export function decisionInForce(identity: IdentityVerification): IdentityDecision {
  return identity.review?.decision ?? identity.decision;
}

export function deriveStage(app: Application | null, choices: LocalChoices): Stage {
  if (!app) return choices.consentAccepted ? { kind: 'form' } : { kind: 'consent' };
  if (!app.consent) return { kind: 'consent' };
  const liveness = app.liveness?.status;
  if (liveness !== 'PASSED') return { kind: 'liveness' };
  // An identity decision is final (a new submission is answered 409 decision-final).
  if (!app.identity) return { kind: 'id-upload' };
  const latest = app.documents.length > 0 ? app.documents[app.documents.length - 1] : undefined;
  const mayContinue = decisionInForce(app.identity) !== 'REJECTED';
  if (latest && mayContinue && !choices.uploadAnother) return { kind: 'documents', documentId: latest.documentId };
  if (!choices.identityAcknowledged || !mayContinue) return { kind: 'identity-result' };
  return { kind: 'lending-upload' };
}

export function stepOf(stage: Stage): StepId {
  switch (stage.kind) {
    case 'consent':
      return 'consent';
    case 'form':
      return 'application';
    case 'liveness':
      return 'liveness';
    case 'id-upload':
    case 'identity-result':
      return 'identity';
    case 'lending-upload':
    case 'documents':
      return 'documents';
  }
}

export const STEPS: StepId[] = ['consent', 'application', 'liveness', 'identity', 'documents'];
