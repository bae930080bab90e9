import type { Application } from './api/types';
import { decisionInForce, deriveStage, NO_CHOICES } from './flow';

const base: Application = {
  applicationId: 'a',
  status: 'CREATED',
  createdAt: 't',
  consent: { policyVersion: 'v', givenAt: 't' },
  documents: [],
};

describe('the screen follows the application on the API', () => {
  it.each([
    ['no application', null, NO_CHOICES, 'consent'],
    ['consent ticked, no application yet', null, { ...NO_CHOICES, consentAccepted: true }, 'form'],
    ['an application without consent', { ...base, consent: null }, NO_CHOICES, 'consent'],
    ['no liveness yet', base, NO_CHOICES, 'liveness'],
    ['a failed liveness', { ...base, liveness: { sessionId: 's', status: 'FAILED' } }, NO_CHOICES, 'liveness'],
    ['a passed liveness', { ...base, liveness: { sessionId: 's', status: 'PASSED' } }, NO_CHOICES, 'id-upload'],
  ] as const)('%s', (_, app, choices, kind) => {
    expect(deriveStage(app as Application | null, choices).kind).toBe(kind);
  });

  const verified: Application = {
    ...base,
    liveness: { sessionId: 's', status: 'PASSED' },
    identity: { verificationId: 'v', decision: 'APPROVED', reasons: [] },
  };

  it('shows the identity result, then the lending upload, then the document status', () => {
    expect(deriveStage(verified, NO_CHOICES).kind).toBe('identity-result');
    expect(deriveStage(verified, { ...NO_CHOICES, identityAcknowledged: true }).kind).toBe('lending-upload');
    const withDoc = { ...verified, documents: [{ documentId: 'd1', status: 'IN_PROGRESS' as const }] };
    expect(deriveStage(withDoc, NO_CHOICES)).toEqual({ kind: 'documents', documentId: 'd1' });
    expect(deriveStage(withDoc, { ...NO_CHOICES, uploadAnother: true, identityAcknowledged: true }).kind).toBe('lending-upload');
  });

  it('never lets a rejected identity continue to documents', () => {
    const rejected = { ...verified, identity: { verificationId: 'v', decision: 'REJECTED' as const, reasons: ['FACE_MISMATCH'] } };
    expect(deriveStage(rejected, { ...NO_CHOICES, identityAcknowledged: true }).kind).toBe('identity-result');
  });

  it('follows a reviewer\'s decision over the automated NEEDS_REVIEW', () => {
    const queued = { ...verified, identity: { verificationId: 'v', decision: 'NEEDS_REVIEW' as const, reasons: ['FACE_SIMILARITY_BORDERLINE'] } };
    expect(deriveStage(queued, { ...NO_CHOICES, identityAcknowledged: true }).kind).toBe('lending-upload');
    const rejected = { ...queued, identity: { ...queued.identity, review: { decision: 'REJECTED' as const, decidedAt: 't' } } };
    expect(decisionInForce(rejected.identity)).toBe('REJECTED');
    expect(deriveStage(rejected, { ...NO_CHOICES, identityAcknowledged: true }).kind).toBe('identity-result');
  });
});
