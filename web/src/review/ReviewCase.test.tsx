import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { I18nProvider } from '../i18n/i18n';
import { ApiProblem } from '../api/client';
import type { AuditEventList, ReviewCase as Case, ReviewDecisionRecorded } from '../api/types';
import { ReviewCase, STALE_AFTER_MS } from './ReviewCase';

const expiresAt = '2026-11-30T12:01:00Z';

function caseWith(generation: number, patch: Partial<Case> = {}): Case {
  return {
    applicationId: 'app-1',
    verificationId: 'v-1',
    queuedAt: '2026-11-30T09:00:00Z',
    decision: 'NEEDS_REVIEW',
    reasons: ['FACE_SIMILARITY_BORDERLINE'],
    declared: { givenName: 'Ana', familyName: 'Müller', dateOfBirth: '1990-04-12' },
    scores: { livenessConfidence: 97.5, faceSimilarity: 96.25 },
    thresholds: { livenessPass: 90, livenessReviewBand: 10, faceSimilarity: 99, faceSimilarityReviewBand: 4, minimumAge: 18, identityMaxAttempts: 3 },
    // The liveness session was judged under an earlier pass threshold.
    livenessThresholds: { passThreshold: 92, reviewBand: 10 },
    document: { type: 'PASSPORT', givenName: 'ANA', familyName: 'MULLER', dateOfBirth: '1990-04-12', documentNumberMasked: '*****6789' },
    fieldConfidences: { givenName: 98.4 },
    modelVersions: { AnalyzeIDModelVersion: '1.0' },
    // In no particular order: the screen orders them ID first, then the liveness images.
    images: [
      { kind: 'LIVENESS_AUDIT', url: `https://uploads.example/audit-0?g=${generation}`, expiresAt },
      { kind: 'LIVENESS_REFERENCE', url: `https://uploads.example/reference?g=${generation}`, expiresAt },
      { kind: 'ID_FRONT', url: `https://uploads.example/front?g=${generation}`, expiresAt },
      { kind: 'LIVENESS_AUDIT', url: `https://uploads.example/audit-1?g=${generation}`, expiresAt },
    ],
    ...patch,
  };
}

const trail: AuditEventList = {
  events: [
    { seq: 1, hash: 'a'.repeat(64), prevHash: '0'.repeat(64), kind: 'application.created', at: '2026-11-30T08:00:00Z', actor: { type: 'applicant', sub: 'sub-ana' }, reasonCodes: [], stateAfter: 'CREATED' },
    {
      seq: 2,
      hash: 'b'.repeat(64),
      prevHash: 'a'.repeat(64),
      kind: 'identity.decided',
      at: '2026-11-30T09:00:00Z',
      actor: { type: 'applicant', sub: 'sub-ana' },
      reasonCodes: ['FACE_SIMILARITY_BORDERLINE'],
      stateBefore: 'LIVENESS_PASSED',
      stateAfter: 'NEEDS_REVIEW',
      thresholds: { faceSimilarity: 99 },
    },
  ],
  chainVerified: true,
  verification: { verified: true, headSeq: 2, headHash: 'b'.repeat(64) },
};

const recorded: ReviewDecisionRecorded = { applicationId: 'app-1', decision: 'APPROVED', reasonCodes: ['FACE_SIMILARITY_BORDERLINE'], decidedAt: '2026-11-30T12:00:00Z' };

function setup({
  decide = async () => recorded,
  events = async () => trail,
}: { decide?: () => Promise<ReviewDecisionRecorded>; events?: () => Promise<AuditEventList> } = {}) {
  let generation = 0;
  let decided = false;
  let clock = 1_000_000;
  const api = {
    getReviewCase: vi.fn(async () => {
      generation += 1;
      return caseWith(generation, decided ? { review: { decision: 'APPROVED', decidedAt: '2026-11-30T12:00:00Z' } } : {});
    }),
    listReviewCaseEvents: vi.fn(events),
    decideReviewCase: vi.fn(async () => {
      try {
        return await decide();
      } finally {
        decided = true;
      }
    }),
  };
  const onBack = vi.fn();
  render(
    <I18nProvider language="en">
      <ReviewCase api={api} applicationId="app-1" onBack={onBack} now={() => clock} />
    </I18nProvider>,
  );
  return { api, onBack, advance: (ms: number) => (clock += ms) };
}

describe('review case', () => {
  it('shows the decision inputs: reasons in words, scores next to thresholds, declared vs document data, images', async () => {
    setup();
    await screen.findByTestId('scores');
    expect(screen.getByTestId('case-reasons')).toHaveTextContent('Face similarity borderline');
    expect(screen.getByTestId('case-reasons')).toHaveTextContent('similar, but not similar enough');
    const similarity = screen.getByTestId('scores').querySelector('[data-score="faceSimilarity"]') as HTMLElement;
    expect(similarity).toHaveTextContent('Face similarity96.25Faces match at: 99Face similarity review band: 4');
    expect(screen.getByTestId('thresholds')).toHaveTextContent('Minimum age18');
    expect(screen.getByTestId('thresholds')).toHaveTextContent('Identity attempts per application3');
    const liveness = screen.getByTestId('scores').querySelector('[data-score="livenessConfidence"]') as HTMLElement;
    expect(liveness).toHaveTextContent('Liveness confidence97.5Liveness pass at: 92Liveness review band: 10');
    const number = screen.getByTestId('declared-vs-document').querySelector('[data-field="documentNumberMasked"]') as HTMLElement;
    expect(number).toHaveTextContent('*****6789');
    expect(screen.getByTestId('declared-vs-document').querySelector('[data-field="givenName"]')).toHaveTextContent('AnaANA · confidence 98%');
    const images = within(screen.getByTestId('case-images')).getAllByRole('img');
    expect(images.map((i) => i.getAttribute('alt'))).toEqual([
      'ID document, front',
      'Liveness reference image',
      'Liveness audit image 1',
      'Liveness audit image 2',
    ]);
  });

  it('shows the event trail and that its chain verifies', async () => {
    setup();
    const chain = await screen.findByTestId('chain-result');
    expect(chain).toHaveAttribute('data-verified', 'true');
    expect(chain).toHaveAttribute('data-by', 'server');
    expect(chain).toHaveTextContent('The event chain verifies: 2 events, every hash recomputed by the server');
    expect(chain).toHaveTextContent('up to the stored head bbbbbbbbbbbb.');
    const trailEl = screen.getByTestId('event-trail');
    expect(trailEl).toHaveTextContent('Identity decided');
    expect(trailEl).toHaveTextContent('Liveness passed → Needs review');
    expect(trailEl).toHaveTextContent('sub-ana');
  });

  it.each([
    ['the server says so', { ...trail, chainVerified: false, verification: { verified: false, error: 'event 2: the hash does not match the body' } }, 'event 2: the hash does not match the body'],
    ['the events received do not link up', { ...trail, events: [trail.events[0], { ...trail.events[1], prevHash: 'c'.repeat(64) }] }, "event 2 does not name the previous event's hash"],
  ])('says loudly when the chain does not verify: %s', async (_, answer, reason) => {
    setup({ events: async () => answer as AuditEventList });
    const chain = await screen.findByTestId('chain-result');
    expect(chain).toHaveAttribute('data-verified', 'false');
    expect(chain).toHaveTextContent(`does NOT verify: ${reason}`);
  });

  it('without a server verdict shows the browser\'s own check for what it is', async () => {
    setup({ events: async () => ({ events: trail.events }) });
    const chain = await screen.findByTestId('chain-result');
    expect(chain).toHaveAttribute('data-by', 'browser');
    expect(chain).toHaveTextContent('links up: 2 events, each naming the previous event\'s hash (checked in this browser)');
  });

  it('fetches fresh image URLs when an image fails to load, once', async () => {
    const { api } = setup();
    const front = await screen.findByAltText('ID document, front');
    expect(front).toHaveAttribute('src', 'https://uploads.example/front?g=1');
    fireEvent.error(front);
    fireEvent.error(front);
    await waitFor(() => expect(screen.getByAltText('ID document, front')).toHaveAttribute('src', 'https://uploads.example/front?g=2'));
    expect(api.getReviewCase).toHaveBeenCalledTimes(2);
  });

  it('fetches fresh image URLs before enlarging when the case is older than 50 s', async () => {
    const { api, advance } = setup();
    await screen.findByAltText('ID document, front');
    await userEvent.click(screen.getByRole('button', { name: 'Enlarge: ID document, front' }));
    expect(api.getReviewCase).toHaveBeenCalledTimes(1);
    advance(STALE_AFTER_MS + 1);
    await userEvent.click(screen.getByRole('button', { name: 'Make smaller: ID document, front' }));
    await waitFor(() => expect(api.getReviewCase).toHaveBeenCalledTimes(2));
  });

  it('records a decision with its reason codes and note, then shows it', async () => {
    const { api } = setup();
    await screen.findByTestId('decision-form');
    await userEvent.click(screen.getByRole('button', { name: 'Record the decision' }));
    expect(screen.getByText('Choose approve or reject.')).toBeInTheDocument();
    expect(api.decideReviewCase).not.toHaveBeenCalled();
    await userEvent.click(screen.getByLabelText('Approve the identity'));
    // The case's own reason is ticked to start with.
    expect(screen.getByRole('checkbox', { name: /Face similarity borderline/ })).toBeChecked();
    fireEvent.change(screen.getByLabelText('Note (optional)'), { target: { value: 'Same person; older photo.' } });
    await userEvent.click(screen.getByRole('button', { name: 'Record the decision' }));
    expect(api.decideReviewCase).toHaveBeenCalledWith('app-1', { decision: 'APPROVED', reasonCodes: ['FACE_SIMILARITY_BORDERLINE'], note: 'Same person; older photo.' });
    expect(await screen.findByTestId('decision-outcome')).toHaveTextContent('Decision recorded: Approved.');
    expect(await screen.findByTestId('review-result')).toHaveAttribute('data-decision', 'APPROVED');
    expect(screen.queryByTestId('decision-form')).not.toBeInTheDocument();
  }, 15_000);

  it('on 409 says another reviewer decided first and reloads the case', async () => {
    const { api } = setup({
      decide: async () => {
        throw new ApiProblem(409, { type: 'https://lendverify.dev/problems/review-already-decided', status: 409 });
      },
    });
    await screen.findByTestId('decision-form');
    await userEvent.click(screen.getByLabelText('Reject the identity'));
    await userEvent.click(screen.getByRole('button', { name: 'Record the decision' }));
    expect(await screen.findByTestId('decision-outcome')).toHaveTextContent('already been decided by another reviewer');
    await waitFor(() => expect(api.getReviewCase).toHaveBeenCalledTimes(2));
    expect(await screen.findByTestId('review-result')).toHaveAttribute('data-decision', 'APPROVED');
  });

  it('on 403 for their own application tells the reviewer and keeps the form', async () => {
    setup({
      decide: async () => {
        throw new ApiProblem(403, { type: 'https://lendverify.dev/problems/forbidden', status: 403, detail: 'a reviewer cannot decide their own application' });
      },
    });
    await screen.findByTestId('decision-form');
    await userEvent.click(screen.getByLabelText('Approve the identity'));
    await userEvent.click(screen.getByRole('button', { name: 'Record the decision' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('You cannot review your own application');
    expect(screen.getByTestId('decision-form')).toBeInTheDocument();
  });
});
