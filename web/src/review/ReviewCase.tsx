// One case for a reviewer: what the applicant declared beside what the document says, the scores
// next to their thresholds, the reasons, the images, the event trail with its chain verification,
// and the decision form.
import { useCallback, useEffect, useRef, useState } from 'react';
import { formatDateTime, useI18n } from '../i18n/i18n';
import { Screen } from '../components/Screen';
import { ErrorMessage, Notice } from '../components/ErrorMessage';
import { EventTrail } from '../components/EventTrail';
import { messageFor } from '../api/problems';
import type { ApiClient } from '../api/client';
import type { AuditEventList, ReviewCase as Case } from '../api/types';
import { ScoreTable } from './ScoreTable';
import { CaseImages } from './CaseImages';
import { DecisionForm, type DecisionOutcome } from './DecisionForm';
import { reasonLabel, reasonText } from './reasons';

/** Presigned image URLs live 60 s; a case older than this is fetched again before its images are. */
export const STALE_AFTER_MS = 50_000;

type CaseApi = Pick<ApiClient, 'getReviewCase' | 'listReviewCaseEvents' | 'decideReviewCase'>;

/** The case, refetched for fresh image URLs when asked and it is stale, or once after an image
 * failed to load (not again until a refetch has succeeded, so a broken image cannot loop). */
function useReviewCase(api: CaseApi, applicationId: string, now: () => number) {
  const { t } = useI18n();
  const [reviewCase, setReviewCase] = useState<Case | null>(null);
  const [error, setError] = useState<string | null>(null);
  const fetchedAt = useRef(0);
  const inFlight = useRef(false);
  const refetchedAfterFailure = useRef(false);

  const reload = useCallback(async () => {
    if (inFlight.current) return;
    inFlight.current = true;
    try {
      const fresh = await api.getReviewCase(applicationId);
      fetchedAt.current = now();
      setReviewCase(fresh);
      setError(null);
    } catch (err) {
      setError(messageFor(err, t, 'review'));
    } finally {
      inFlight.current = false;
    }
  }, [api, applicationId, now, t]);

  const ensureFresh = useCallback(
    (failed: boolean) => {
      const stale = now() - fetchedAt.current > STALE_AFTER_MS;
      if (failed && !refetchedAfterFailure.current) {
        refetchedAfterFailure.current = true;
        void reload().then(() => {
          // Fresh URLs that fail again would be retried only once they are stale.
          setTimeout(() => (refetchedAfterFailure.current = false), 5_000);
        });
      } else if (stale) {
        void reload();
      }
    },
    [now, reload],
  );

  useEffect(() => {
    void reload();
  }, [reload]);

  // Back in the tab after a while: the URLs on screen may have lapsed.
  useEffect(() => {
    const onVisible = () => document.visibilityState === 'visible' && ensureFresh(false);
    document.addEventListener('visibilitychange', onVisible);
    return () => document.removeEventListener('visibilitychange', onVisible);
  }, [ensureFresh]);

  return { reviewCase, error, reload, ensureFresh };
}

/** The thresholds to show: those in force at the decision, with the liveness score's own (the
 * ones that judged the liveness session) in place of the current liveness thresholds. */
export function thresholdsOf(reviewCase: Case): Record<string, unknown> {
  const liveness = reviewCase.livenessThresholds;
  return {
    ...(reviewCase.thresholds ?? {}),
    ...(typeof liveness?.passThreshold === 'number' ? { livenessPass: liveness.passThreshold } : {}),
    ...(typeof liveness?.reviewBand === 'number' ? { livenessReviewBand: liveness.reviewBand } : {}),
  };
}

/** The extracted fields, beside what the applicant declared when the case includes it. */
function DeclaredVsDocument({ reviewCase }: { reviewCase: Case }) {
  const { t } = useI18n();
  const applicant = reviewCase.declared as Record<string, unknown> | null | undefined;
  const document = reviewCase.document ?? {};
  const confidences = reviewCase.fieldConfidences ?? {};
  const rows = ['givenName', 'familyName', 'dateOfBirth', 'type', 'documentNumberMasked', 'expiresOn'];
  const show = (value: unknown) => (value === undefined || value === null || value === '' ? '—' : String(value));
  return (
    <div className="table-scroll">
      <table className="declared" data-testid="declared-vs-document">
        <thead>
          <tr>
            <th scope="col">{t('review.case.field')}</th>
            {applicant && <th scope="col">{t('review.case.declared')}</th>}
            <th scope="col">{t('review.case.onDocument')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((field) => (
            <tr key={field} data-field={field}>
              <th scope="row">{t(`docfield.${field}`)}</th>
              {applicant && <td>{show(applicant[field])}</td>}
              <td>
                {show(document[field])}
                {typeof confidences[field] === 'number' && (
                  <span className="confidence"> · {t('documents.confidence', { value: Math.round(confidences[field]) })}</span>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function CaseEvents({ api, applicationId, version }: { api: CaseApi; applicationId: string; version: number }) {
  const { t } = useI18n();
  const [trail, setTrail] = useState<AuditEventList | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let current = true;
    api.listReviewCaseEvents(applicationId).then(
      (answer) => current && setTrail(answer),
      (err: unknown) => current && setError(messageFor(err, t, 'review')),
    );
    return () => {
      current = false;
    };
  }, [api, applicationId, t, version]);
  if (error) return <ErrorMessage message={error} />;
  if (!trail) return <p role="status">{t('app.loading')}</p>;
  return <EventTrail trail={trail} detailed />;
}

export function ReviewCase({
  api,
  applicationId,
  onBack,
  now = Date.now,
}: {
  api: CaseApi;
  applicationId: string;
  onBack: () => void;
  now?: () => number;
}) {
  const { t, language } = useI18n();
  const { reviewCase, error, reload, ensureFresh } = useReviewCase(api, applicationId, now);
  const [outcome, setOutcome] = useState<{ tone: 'success' | 'warning'; text: string } | null>(null);
  const [version, setVersion] = useState(0);
  // The outcome (recorded, or decided by someone else) replaces the form: move focus to it.
  const outcomeRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (outcome) outcomeRef.current?.focus();
  }, [outcome]);

  function finished(result: DecisionOutcome) {
    setOutcome(
      result.kind === 'decided'
        ? { tone: 'success', text: t('review.decision.recorded', { decision: t(`state.${result.decision}`) }) }
        : { tone: 'warning', text: result.message },
    );
    setVersion((v) => v + 1);
    void reload();
  }

  const back = (
    <button type="button" className="button link" onClick={onBack}>
      {t('review.case.back')}
    </button>
  );
  if (!reviewCase) {
    return (
      <Screen title={t('review.case.title')} testId="review-case">
        {back}
        <ErrorMessage message={error} />
        {!error && <p role="status">{t('app.loading')}</p>}
      </Screen>
    );
  }
  const review = reviewCase.review;
  return (
    <Screen title={t('review.case.title')} testId="review-case">
      {back}
      <dl className="facts">
        <div className="fact">
          <dt>{t('review.queue.application')}</dt>
          <dd>
            <code>{reviewCase.applicationId}</code>
          </dd>
        </div>
        {reviewCase.queuedAt && (
          <div className="fact">
            <dt>{t('review.queue.queuedAt')}</dt>
            <dd>{formatDateTime(language, reviewCase.queuedAt)}</dd>
          </div>
        )}
      </dl>
      <ErrorMessage message={error} />
      {outcome && (
        <div data-testid="decision-outcome" ref={outcomeRef} tabIndex={-1} className="outcome">
          <Notice tone={outcome.tone}>{outcome.text}</Notice>
        </div>
      )}
      {review && (
        <div data-testid="review-result" data-decision={review.decision}>
          <Notice tone="info">
            {t('review.case.decided', { decision: t(`state.${review.decision}`), at: formatDateTime(language, review.decidedAt) })}
            {review.reasonCodes && review.reasonCodes.length > 0 && (
              <ul className="tags">
                {review.reasonCodes.map((code) => (
                  <li key={code} className="tag">
                    {reasonLabel(t, code)}
                  </li>
                ))}
              </ul>
            )}
            {review.note && <p className="review-note">{t('review.case.note', { note: review.note })}</p>}
          </Notice>
        </div>
      )}

      <h3>{t('review.case.reasons')}</h3>
      <ul className="reasons" data-testid="case-reasons">
        {reviewCase.reasons.map((code) => (
          <li key={code} data-code={code}>
            <strong>{reasonLabel(t, code)}</strong> <code className="hint">{code}</code>
            <div>{reasonText(t, code)}</div>
          </li>
        ))}
      </ul>

      <h3>{t('review.case.scores')}</h3>
      <ScoreTable scores={reviewCase.scores ?? {}} thresholds={thresholdsOf(reviewCase)} />

      <h3>{reviewCase.declared ? t('review.case.data') : t('review.case.document')}</h3>
      <DeclaredVsDocument reviewCase={reviewCase} />

      <h3>{t('review.case.images')}</h3>
      <p className="hint">{t('review.images.hint')}</p>
      <CaseImages images={reviewCase.images} onStale={ensureFresh} />

      {reviewCase.modelVersions && Object.keys(reviewCase.modelVersions).length > 0 && (
        <>
          <h3>{t('review.case.modelVersions')}</h3>
          <dl className="facts">
            {Object.entries(reviewCase.modelVersions).map(([name, value]) => (
              <div key={name} className="fact">
                <dt>{name}</dt>
                <dd>{value}</dd>
              </div>
            ))}
          </dl>
        </>
      )}

      <h3>{t('review.case.events')}</h3>
      <CaseEvents api={api} applicationId={applicationId} version={version} />

      {!review && !outcome && (
        <>
          <h3>{t('review.case.decide')}</h3>
          <DecisionForm api={api} applicationId={applicationId} suggestedReasons={reviewCase.reasons} onFinished={finished} />
        </>
      )}
      {outcome && (
        <div className="actions">
          <button type="button" className="button primary" onClick={onBack}>
            {t('review.case.back')}
          </button>
        </div>
      )}
    </Screen>
  );
}
