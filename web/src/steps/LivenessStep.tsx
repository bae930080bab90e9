import { lazy, Suspense, useCallback, useEffect, useState } from 'react';
import { useI18n } from '../i18n/i18n';
import { Screen } from '../components/Screen';
import { ErrorMessage, Notice } from '../components/ErrorMessage';
import { messageFor } from '../api/problems';
import { ApiProblem, type ApiClient, type SimulatedOutcome } from '../api/client';
import type { Application, LivenessStatus } from '../api/types';
import type { AppConfig } from '../config';
import { SimulatedCapture, SimulatedFallbackButton } from '../liveness/SimulatedCapture';
import type { LivenessError } from '../liveness/AwsLiveness';

// The face detector (model, WASM runtime, streaming client) is a separate chunk.
const AwsLiveness = lazy(() => import('../liveness/AwsLiveness'));

type Phase =
  | { kind: 'intro' }
  | { kind: 'capturing'; sessionId: string; region: string; simulated: boolean }
  | { kind: 'checking' }
  | { kind: 'result'; status: LivenessStatus };

const RETRYABLE: LivenessStatus[] = ['FAILED', 'EXPIRED', 'IN_PROGRESS'];
const POLLS = 10;

export function LivenessStep({
  app,
  api,
  config,
  onPassed,
  sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
}: {
  app: Application;
  api: ApiClient;
  config: AppConfig;
  onPassed: () => void;
  sleep?: (ms: number) => Promise<void>;
}) {
  const { t } = useI18n();
  const previous = app.liveness;
  const [phase, setPhase] = useState<Phase>(
    previous && previous.status !== 'IN_PROGRESS' ? { kind: 'result', status: previous.status } : { kind: 'intro' },
  );
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // After too many failed checks the API locks the applicant out for a while (429
  // liveness-locked-out with Retry-After): no new check can start until then.
  const [lockout, setLockout] = useState<{ seconds: number } | null>(null);
  useEffect(() => {
    if (!lockout) return;
    const timer = setTimeout(() => {
      setLockout(null);
      setError(null);
    }, lockout.seconds * 1000);
    return () => clearTimeout(timer);
  }, [lockout]);

  const fetchResult = useCallback(
    async (sessionId: string) => {
      setPhase({ kind: 'checking' });
      try {
        let status: LivenessStatus = 'IN_PROGRESS';
        for (let i = 0; i < POLLS && status === 'IN_PROGRESS'; i++) {
          if (i > 0) await sleep(1000);
          status = (await api.getLivenessSession(app.applicationId, sessionId)).status;
        }
        setPhase({ kind: 'result', status });
      } catch (err) {
        setError(messageFor(err, t, 'liveness'));
        setPhase({ kind: 'intro' });
      }
    },
    [api, app.applicationId, sleep, t],
  );

  // Resuming a session left in progress: ask once whether it has a result by now.
  useEffect(() => {
    if (previous?.status === 'IN_PROGRESS') void fetchResult(previous.sessionId);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  // The real component runs on AWS, and on the local stage against the emulator's stream; the
  // simulated capture is the local stage's explicit fallback (and its only way without a stream).
  const realDetector = config.mode === 'aws' || Boolean(config.liveness?.endpointOverride);
  const offerSimulated = config.mode === 'local';

  async function start(simulated = !realDetector) {
    setError(null);
    setBusy(true);
    try {
      const session = await api.createLivenessSession(app.applicationId);
      setPhase({ kind: 'capturing', sessionId: session.sessionId, region: session.region, simulated });
    } catch (err) {
      setError(messageFor(err, t, 'liveness'));
      if (err instanceof ApiProblem && err.slug === 'liveness-locked-out') setLockout({ seconds: err.retryAfter ?? 60 });
    } finally {
      setBusy(false);
    }
  }

  async function simulate(sessionId: string, outcome: SimulatedOutcome, face: string) {
    setBusy(true);
    setError(null);
    try {
      await api.simulateLiveness(sessionId, outcome, face);
      await fetchResult(sessionId);
    } catch (err) {
      setError(messageFor(err, t, 'liveness'));
    } finally {
      setBusy(false);
    }
  }

  function onDetectorError(sessionId: string, livenessError: LivenessError) {
    // The service ended the stream (e.g. it saw no video): the session has its verdict, so show it
    // with a retry, as after a completed check.
    if (livenessError.state === 'SERVER_ERROR') {
      void fetchResult(sessionId);
      return;
    }
    const key = `liveness.error.${livenessError.state}`;
    const reason = t(key) === key ? t('liveness.error.default') : t(key);
    setError(t('liveness.error', { reason }));
    setPhase({ kind: 'intro' });
  }

  return (
    <Screen title={t('liveness.title')} testId="step-liveness">
      <ErrorMessage message={error} />
      {phase.kind === 'intro' && (
        <>
          <p>{t('liveness.intro')}</p>
          <button type="button" className="button primary" onClick={() => start()} disabled={busy || Boolean(lockout)}>
            {busy ? t('common.working') : t('liveness.start')}
          </button>
          {offerSimulated && realDetector && <SimulatedFallbackButton busy={busy || Boolean(lockout)} onClick={() => start(true)} />}
        </>
      )}
      {phase.kind === 'capturing' &&
        (phase.simulated ? (
          <SimulatedCapture busy={busy} onCapture={(outcome, face) => simulate(phase.sessionId, outcome, face)} />
        ) : (
          <Suspense fallback={<p role="status">{t('liveness.loading')}</p>}>
            <div className="liveness-detector">
              <AwsLiveness
                sessionId={phase.sessionId}
                region={phase.region}
                assets={config.liveness}
                onAnalysisComplete={() => fetchResult(phase.sessionId)}
                onError={(e) => onDetectorError(phase.sessionId, e)}
                onUserCancel={() => {
                  setError(t('liveness.cancelled'));
                  setPhase({ kind: 'intro' });
                }}
              />
            </div>
          </Suspense>
        ))}
      {phase.kind === 'checking' && <p role="status">{t('liveness.checking')}</p>}
      {phase.kind === 'result' && (
        <div data-testid="liveness-result" data-status={phase.status}>
          <Notice tone={phase.status === 'PASSED' ? 'success' : phase.status === 'NEEDS_REVIEW' ? 'info' : 'warning'}>
            {t(`liveness.result.${phase.status}`)}
          </Notice>
          {phase.status === 'PASSED' && (
            <button type="button" className="button primary" onClick={onPassed}>
              {t('common.continue')}
            </button>
          )}
          {RETRYABLE.includes(phase.status) && (
            <>
              <button type="button" className="button primary" onClick={() => start()} disabled={busy || Boolean(lockout)}>
                {busy ? t('common.working') : t('common.retry')}
              </button>
              {offerSimulated && realDetector && <SimulatedFallbackButton busy={busy || Boolean(lockout)} onClick={() => start(true)} />}
            </>
          )}
        </div>
      )}
    </Screen>
  );
}
