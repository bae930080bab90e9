import { render, screen } from '@testing-library/react';
import { I18nProvider } from './i18n/i18n';
import type { ApiClient } from './api/client';
import type { AppConfig } from './config';
import { Workspace } from './App';

const session = vi.hoisted(() => ({ payload: {} as Record<string, unknown> }));
vi.mock('aws-amplify/auth', () => ({
  fetchAuthSession: vi.fn(async () => ({ tokens: { idToken: { payload: session.payload, toString: () => 'token' } } })),
  signOut: vi.fn(),
}));

const config: AppConfig = { mode: 'aws', apiUrl: 'https://api.example', region: 'eu-west-1', userPoolId: 'eu-west-1_a', userPoolClientId: 'c', reviewersGroup: 'reviewers' };

function api() {
  return {
    listApplications: vi.fn(async () => ({ applications: [] })),
    listReviewCases: vi.fn(async () => ({ cases: [] })),
  } as unknown as ApiClient & Record<string, ReturnType<typeof vi.fn>>;
}

function renderWorkspace(client: ApiClient) {
  render(
    <I18nProvider language="en">
      <Workspace api={client} config={config} />
    </I18nProvider>,
  );
}

describe('after sign-in, the ID token\'s groups pick the screens', () => {
  it('a member of the reviewers group gets the review queue and never the applicant flow', async () => {
    session.payload = { sub: 'r', 'cognito:groups': ['reviewers'] };
    const client = api();
    renderWorkspace(client);
    expect(await screen.findByTestId('review-queue')).toBeInTheDocument();
    expect(client.listApplications).not.toHaveBeenCalled();
  });

  it('an applicant gets the applicant flow and never a review screen', async () => {
    session.payload = { sub: 'a' };
    const client = api();
    renderWorkspace(client);
    expect(await screen.findByTestId('step-consent')).toBeInTheDocument();
    expect(client.listReviewCases).not.toHaveBeenCalled();
    expect(screen.queryByTestId('review-workspace')).not.toBeInTheDocument();
  });
});
