// The applicant's journey after sign-in. The screen is derived from the application's state on
// the API (flow.ts), so a reload resumes where the applicant left off.
import { useCallback, useEffect, useMemo, useState } from 'react';
import { useI18n } from './i18n/i18n';
import type { ApiClient } from './api/client';
import type { Application, IdentityVerification } from './api/types';
import type { AppConfig } from './config';
import { messageFor } from './api/problems';
import { CONSENT_POLICY_VERSION } from './consent';
import { decisionInForce, deriveStage, NO_CHOICES, stepOf, type LocalChoices } from './flow';
import { StepIndicator } from './components/StepIndicator';
import { ErrorMessage, Notice } from './components/ErrorMessage';
import { EraseData } from './components/EraseData';
import { ConsentStep } from './steps/ConsentStep';
import { ApplicationForm, type ApplicantInput } from './steps/ApplicationForm';
import { LivenessStep } from './steps/LivenessStep';
import { IdUploadStep } from './steps/IdUploadStep';
import { IdentityResult } from './steps/IdentityResult';
import { LendingUploadStep } from './steps/LendingUploadStep';
import { DocumentStatus } from './steps/DocumentStatus';
import { ApplicationHistory } from './steps/ApplicationHistory';

type Load = { kind: 'loading' } | { kind: 'ready'; app: Application | null } | { kind: 'failed'; message: string } | { kind: 'erased' };

export function Flow({ api, config }: { api: ApiClient; config: AppConfig }) {
  const { t } = useI18n();
  const [load, setLoad] = useState<Load>({ kind: 'loading' });
  const [choices, setChoices] = useState<LocalChoices>(NO_CHOICES);
  const choose = (patch: Partial<LocalChoices>) => setChoices((c) => ({ ...c, ...patch }));

  const refresh = useCallback(
    async (applicationId?: string) => {
      try {
        let id = applicationId;
        if (!id) {
          const { applications } = await api.listApplications();
          id = applications[0]?.applicationId;
        }
        setLoad({ kind: 'ready', app: id ? await api.getApplication(id) : null });
      } catch (err) {
        setLoad({ kind: 'failed', message: messageFor(err, t) });
      }
    },
    [api, t],
  );

  useEffect(() => {
    void refresh();
  }, [refresh]);

  const app = load.kind === 'ready' ? load.app : null;
  const stage = useMemo(() => deriveStage(app, choices), [app, choices]);

  if (load.kind === 'loading') return <p role="status">{t('app.loading')}</p>;
  if (load.kind === 'failed') {
    return (
      <>
        <ErrorMessage message={load.message} />
        <button type="button" className="button primary" onClick={() => refresh()}>
          {t('common.retry')}
        </button>
      </>
    );
  }
  if (load.kind === 'erased') {
    return (
      <section className="card" data-testid="erased">
        <Notice tone="success">{t('erase.done')}</Notice>
        <button
          type="button"
          className="button primary"
          onClick={() => {
            setChoices(NO_CHOICES);
            setLoad({ kind: 'ready', app: null });
          }}
        >
          {t('erase.startOver')}
        </button>
      </section>
    );
  }

  async function consent(policyVersion: string) {
    if (app) {
      await api.giveConsent(app.applicationId, policyVersion);
      await refresh(app.applicationId);
    } else {
      choose({ consentAccepted: true });
    }
  }

  async function create(applicant: ApplicantInput) {
    const created = await api.createApplication(applicant, crypto.randomUUID());
    await api.giveConsent(created.applicationId, CONSENT_POLICY_VERSION);
    await refresh(created.applicationId);
  }

  async function erase() {
    if (!app) return;
    await api.eraseApplication(app.applicationId);
    setLoad({ kind: 'erased' });
  }

  const identity: IdentityVerification | null | undefined = app?.identity;

  return (
    <>
      <StepIndicator current={stepOf(stage)} />
      {stage.kind === 'consent' && <ConsentStep onConsent={consent} retentionDays={config.retentionDays} />}
      {stage.kind === 'form' && <ApplicationForm onSubmit={create} />}
      {app && stage.kind === 'liveness' && (
        <LivenessStep key={app.liveness?.sessionId ?? 'new'} app={app} api={api} config={config} onPassed={() => refresh(app.applicationId)} />
      )}
      {app && stage.kind === 'id-upload' && (
        <IdUploadStep
          applicationId={app.applicationId}
          api={api}
          onVerified={() => {
            choose({ identityAcknowledged: false });
            void refresh(app.applicationId);
          }}
        />
      )}
      {app && identity && stage.kind === 'identity-result' && (
        <IdentityResult
          identity={identity}
          onContinue={() => choose({ identityAcknowledged: true })}
        />
      )}
      {identity?.decision === 'NEEDS_REVIEW' && (stage.kind === 'lending-upload' || stage.kind === 'documents') && (
        // The documents go on while a reviewer decides; the outcome shows here once there is one.
        <div data-testid="identity-review-status" data-decision={decisionInForce(identity)}>
          <Notice tone={identity.review ? (identity.review.decision === 'APPROVED' ? 'success' : 'warning') : 'info'}>
            {identity.review ? t(`identity.reviewed.${identity.review.decision}`) : t('identity.reviewPending')}
          </Notice>
        </div>
      )}
      {app && stage.kind === 'lending-upload' && (
        <LendingUploadStep
          applicationId={app.applicationId}
          api={api}
          onStarted={() => {
            choose({ uploadAnother: false });
            void refresh(app.applicationId);
          }}
        />
      )}
      {app && stage.kind === 'documents' && (
        <DocumentStatus
          key={stage.documentId}
          applicationId={app.applicationId}
          documentId={stage.documentId}
          api={api}
          onUploadAnother={() => choose({ uploadAnother: true, identityAcknowledged: true })}
        />
      )}
      {app && <ApplicationHistory key={app.applicationId} api={api} applicationId={app.applicationId} />}
      {app && <EraseData onErase={erase} />}
    </>
  );
}
