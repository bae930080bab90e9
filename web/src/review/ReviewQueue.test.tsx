import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { I18nProvider } from '../i18n/i18n';
import { ApiProblem } from '../api/client';
import type { ReviewCaseList } from '../api/types';
import { ReviewQueue } from './ReviewQueue';

const oldest = { applicationId: 'app-1', verificationId: 'v-1', queuedAt: '2026-11-30T09:00:00Z', reasons: ['FACE_SIMILARITY_BORDERLINE'] };
const newer = { applicationId: 'app-2', verificationId: 'v-2', queuedAt: '2026-11-30T10:00:00Z', reasons: ['LIVENESS_BORDERLINE', 'NAME_MISMATCH'] };
const newest = { applicationId: 'app-3', verificationId: 'v-3', queuedAt: '2026-11-30T11:00:00Z', reasons: ['MRZ_INVALID'] };

function renderQueue(listReviewCases: (q?: { reasonCode?: string; nextToken?: string }) => Promise<ReviewCaseList>) {
  const onOpen = vi.fn();
  const api = { listReviewCases: vi.fn(listReviewCases) };
  render(
    <I18nProvider language="en">
      <ReviewQueue api={api} onOpen={onOpen} />
    </I18nProvider>,
  );
  return { api, onOpen };
}

describe('review queue', () => {
  it('lists the cases in the order the API gives (oldest first) with their reasons in words, and opens one', async () => {
    const { onOpen } = renderQueue(async () => ({ cases: [oldest, newer] }));
    const rows = await screen.findAllByTestId('review-case-row');
    expect(rows.map((r) => r.dataset.applicationId)).toEqual(['app-1', 'app-2']);
    expect(within(rows[1]).getByText('Liveness borderline')).toBeInTheDocument();
    expect(within(rows[1]).getByText('Name mismatch')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Load more' })).not.toBeInTheDocument();
    await userEvent.click(within(rows[0]).getByRole('button', { name: 'Open case app-1' }));
    expect(onOpen).toHaveBeenCalledWith('app-1');
  });

  it('loads the next page with the nextToken and appends it', async () => {
    const { api } = renderQueue(async (q) => (q?.nextToken === 't-2' ? { cases: [newest], nextToken: null } : { cases: [oldest, newer], nextToken: 't-2' }));
    await userEvent.click(await screen.findByRole('button', { name: 'Load more' }));
    await waitFor(() => expect(screen.getAllByTestId('review-case-row')).toHaveLength(3));
    expect(api.listReviewCases).toHaveBeenLastCalledWith({ reasonCode: undefined, nextToken: 't-2' });
    expect(screen.queryByRole('button', { name: 'Load more' })).not.toBeInTheDocument();
  });

  it('filters by reason code, and says so when nothing matches', async () => {
    const { api } = renderQueue(async (q) => (q?.reasonCode ? { cases: [] } : { cases: [oldest] }));
    await screen.findAllByTestId('review-case-row');
    await userEvent.selectOptions(screen.getByLabelText('Reason'), 'MRZ_INVALID');
    expect(await screen.findByTestId('review-queue-empty')).toHaveTextContent('No cases with this reason');
    expect(api.listReviewCases).toHaveBeenLastCalledWith({ reasonCode: 'MRZ_INVALID' });
  });

  it('has an empty state', async () => {
    renderQueue(async () => ({ cases: [] }));
    expect(await screen.findByTestId('review-queue-empty')).toHaveTextContent('No cases are waiting for review.');
  });

  it('explains a 403: the account is not a reviewer', async () => {
    renderQueue(async () => {
      throw new ApiProblem(403, { type: 'https://lendverify.dev/problems/forbidden', status: 403, detail: 'reviewers only' });
    });
    expect(await screen.findByRole('alert')).toHaveTextContent('Only reviewers can see the review queue');
  });
});
