import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { I18nProvider } from '../i18n/i18n';
import type { AuditEventList } from '../api/types';
import { ApplicationHistory } from './ApplicationHistory';

const trail: AuditEventList = {
  events: [
    { seq: 1, hash: 'a'.repeat(64), kind: 'application.created', at: '2026-11-30T08:00:00Z', actor: 'applicant', reasonCodes: [], stateAfter: 'CREATED' },
    { seq: 2, hash: 'b'.repeat(64), kind: 'review.decided', at: '2026-11-30T12:00:00Z', actor: 'reviewer', reasonCodes: ['FACE_SIMILARITY_BORDERLINE'], stateBefore: 'NEEDS_REVIEW', stateAfter: 'REVIEWED_APPROVED' },
  ],
};

it('loads the applicant\'s own history when opened, without reviewer detail', async () => {
  const api = { listApplicationEvents: vi.fn(async () => trail) };
  render(
    <I18nProvider language="en">
      <ApplicationHistory api={api} applicationId="app-1" />
    </I18nProvider>,
  );
  expect(api.listApplicationEvents).not.toHaveBeenCalled();
  await userEvent.click(screen.getByText('History of your application'));
  const events = await screen.findByTestId('event-trail');
  expect(api.listApplicationEvents).toHaveBeenCalledWith('app-1');
  expect(events).toHaveTextContent('Application created');
  expect(events).toHaveTextContent('Reviewer decided');
  expect(events).toHaveTextContent('by a reviewer');
  expect(events).toHaveTextContent('Needs review → Approved by a reviewer');
  expect(screen.queryByTestId('chain-result')).not.toBeInTheDocument();
  expect(screen.queryByText('Details')).not.toBeInTheDocument();
});
