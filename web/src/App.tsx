import { lazy, Suspense, useEffect, useMemo, useState } from 'react';
import { Authenticator } from '@aws-amplify/ui-react';
import { fetchAuthSession, signOut } from 'aws-amplify/auth';
import { I18n } from 'aws-amplify/utils';
import { translations } from '@aws-amplify/ui';
import { I18nProvider, LANGUAGES, useI18n, type Language } from './i18n/i18n';
import { createApiClient, type ApiClient } from './api/client';
import type { AppConfig } from './config';
import { Flow } from './Flow';
import { roleOf, type Role } from './auth/roles';

// Reviewers' screens are a separate chunk: applicants never download them.
const ReviewWorkspace = lazy(() => import('./review/ReviewWorkspace'));

I18n.putVocabularies(translations);

async function idToken(): Promise<string | undefined> {
  const session = await fetchAuthSession();
  return session.tokens?.idToken?.toString();
}

/** The signed-in user's role, from the `cognito:groups` claim of their ID token. */
function useRole(reviewersGroup: string): Role | null {
  const [role, setRole] = useState<Role | null>(null);
  useEffect(() => {
    let current = true;
    fetchAuthSession().then(
      (session) => current && setRole(roleOf(session.tokens?.idToken?.payload, reviewersGroup)),
      // No readable session: the applicant flow, whose API calls end a session that is over.
      () => current && setRole('applicant'),
    );
    return () => {
      current = false;
    };
  }, [reviewersGroup]);
  return role;
}

/** Reviewers get the review workspace; everyone else the applicant's journey. */
export function Workspace({ api, config }: { api: ApiClient; config: AppConfig }) {
  const { t } = useI18n();
  const role = useRole(config.reviewersGroup);
  const loading = <p role="status">{t('app.loading')}</p>;
  if (!role) return loading;
  if (role === 'reviewer') {
    return (
      <Suspense fallback={loading}>
        <ReviewWorkspace api={api} />
      </Suspense>
    );
  }
  return <Flow api={api} config={config} />;
}

function LanguageSwitch() {
  const { t, language, setLanguage } = useI18n();
  return (
    <div className="language">
      <label htmlFor="language-select">{t('app.language')}</label>
      <select id="language-select" value={language} onChange={(e) => setLanguage(e.target.value as Language)}>
        {LANGUAGES.map((l) => (
          <option key={l} value={l}>
            {l === 'en' ? 'English' : 'Español'}
          </option>
        ))}
      </select>
    </div>
  );
}

function Shell({ config }: { config: AppConfig }) {
  const { t, language } = useI18n();
  useEffect(() => {
    I18n.setLanguage(language);
    document.documentElement.lang = language;
  }, [language]);
  const api = useMemo(
    () =>
      createApiClient({
        baseUrl: config.apiUrl,
        getToken: idToken,
        // The token was refused: the session is over, back to sign-in.
        onUnauthorized: () => void signOut(),
        emulatorUrl: config.emulatorUrl,
      }),
    [config],
  );
  return (
    <>
      <a className="skip-link" href="#main">
        {t('app.skipToContent')}
      </a>
      <header className="topbar">
        <div className="brand">
          <h1>{t('app.title')}</h1>
          <p className="tagline">{t('app.tagline')}</p>
        </div>
        <LanguageSwitch />
      </header>
      {config.mode === 'local' && (
        <p className="local-banner" role="note">
          {t('app.localMode')}
        </p>
      )}
      <main id="main">
        <Authenticator loginMechanisms={['email']} key={language}>
          {({ user }) => (
            <div className="flow">
              <div className="session">
                <span className="hint">{user?.signInDetails?.loginId}</span>
                <button type="button" className="button link" onClick={() => void signOut()}>
                  {t('app.signOut')}
                </button>
              </div>
              <Workspace key={user?.userId} api={api} config={config} />
            </div>
          )}
        </Authenticator>
      </main>
    </>
  );
}

export function App({ config }: { config: AppConfig }) {
  return (
    <I18nProvider>
      <Shell config={config} />
    </I18nProvider>
  );
}
