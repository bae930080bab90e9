// problem+json answers → sentences an applicant understands, and 422 field errors → the form
// fields they belong to.
import { hasMessage, type Translate } from '../i18n/i18n';
import { ApiProblem, NetworkError } from './client';

/** Where the error happened, for messages that depend on it (a 415 on an ID vs a PDF upload; a
 * 403 on the review queue vs on a reviewer's decision). */
export type ErrorContext = 'id' | 'lending' | 'liveness' | 'general' | 'review' | 'review-decision';

/** "45 seconds", "3 minutes", "23 hours": how long to wait, rounded up. */
export function waitText(seconds: number, t: Translate): string {
  const s = Math.max(1, Math.ceil(seconds));
  if (s < 90) return t(s === 1 ? 'unit.second' : 'unit.seconds', { n: s });
  if (s < 90 * 60) return t('unit.minutes', { n: Math.ceil(s / 60) });
  return t('unit.hours', { n: Math.ceil(s / 3600) });
}

/** A quota's sentence: the API always sends Retry-After with it; a day is the longest it can be. */
function quotaMessage(key: string, error: ApiProblem, t: Translate): string {
  return t(key, { wait: waitText(error.retryAfter ?? 24 * 3600, t) });
}

/** The identity state a decision-final problem names, in words. */
function finalState(detail: string, t: Translate): string | undefined {
  const state = /\b(NEEDS_REVIEW|APPROVED|REJECTED)\b/.exec(detail)?.[1];
  return state ? t(`identity.state.${state}`) : undefined;
}

/** Problem types with a sentence of their own, whatever the status. */
function problemMessage(error: ApiProblem, t: Translate, context: ErrorContext): string | undefined {
  const detail = error.problem.detail ?? '';
  switch (error.slug) {
    case 'liveness-locked-out':
      return error.retryAfter !== undefined
        ? t('error.livenessLockedOut', { wait: waitText(error.retryAfter, t) })
        : t('error.livenessLockedOut.noWait');
    case 'identity-attempts-exhausted':
      return t('error.identityAttemptsExhausted');
    case 'analysis-running':
      return t('error.analysisRunning');
    case 'application-quota-exceeded':
      return quotaMessage('error.applicationQuota', error, t);
    case 'upload-quota-exceeded':
      return quotaMessage('error.uploadQuota', error, t);
    case 'lending-job-quota-exceeded':
      return quotaMessage('error.lendingJobQuota', error, t);
    case 'decision-final': {
      const state = finalState(detail, t);
      return state ? t('error.decisionFinal', { state }) : t('error.decisionFinal.noState');
    }
    case 'review-already-decided':
      return t('review.error.alreadyDecided');
  }
  if (context !== 'review' && context !== 'review-decision') return undefined;
  if (error.status === 409 && context === 'review-decision') return t('review.error.alreadyDecided');
  // Opening the queue or a case needs the reviewers group; a reviewer who could open the case is
  // refused a decision only on their own application.
  if (error.status === 403) {
    return /own/i.test(detail) || context === 'review-decision' ? t('review.error.ownApplication') : t('review.error.notReviewer');
  }
  if (error.status === 404) return t('review.error.notFound');
  return undefined;
}

export function messageFor(error: unknown, t: Translate, context: ErrorContext = 'general'): string {
  if (error instanceof NetworkError) return t('error.network');
  if (!(error instanceof ApiProblem)) return t('error.default');
  const status = error.status;
  const specific = problemMessage(error, t, context);
  if (specific) return specific;
  if (status === 409 && context === 'liveness' && /consent/i.test(error.problem.detail ?? '')) {
    return t('error.409.consent');
  }
  if (status === 409) return t('error.409', { detail: error.problem.detail ?? error.problem.title ?? '' });
  if (status === 415 && (context === 'id' || context === 'lending')) return t(`error.415.${context}`);
  if (status === 422 && error.problem.errors?.length) {
    return [t('error.422'), ...error.problem.errors.map((e) => `${e.field}: ${fieldMessage(e.message, t)}`)].join(' ');
  }
  if (hasMessage(`error.${status}`)) return t(`error.${status}`);
  if (status >= 500) return t('error.500');
  return t('error.default');
}

/** Known validation sentences of the API, translated; anything else is shown as sent. */
export function fieldMessage(message: string, t: Translate): string {
  const known: [RegExp, string][] = [
    [/^is required$/, 'field.required'],
    [/^must not be empty$/, 'field.empty'],
    [/^must be at most \d+ characters$/, 'field.tooLong'],
    [/control characters/, 'field.controlChars'],
    [/^must be a date as YYYY-MM-DD$/, 'field.dateFormat'],
    [/^must not be in the future$/, 'field.dateFuture'],
    [/^must not be before 1900/, 'field.dateTooOld'],
  ];
  const match = known.find(([pattern]) => pattern.test(message));
  return match ? t(match[1]) : message;
}

/** 422 field errors keyed by form field (the API's `applicant.givenName` → `givenName`). */
export function fieldErrors(error: unknown, t: Translate, prefix = ''): Record<string, string> {
  if (!(error instanceof ApiProblem) || error.status !== 422) return {};
  const result: Record<string, string> = {};
  for (const e of error.problem.errors ?? []) {
    const field = prefix && e.field.startsWith(prefix) ? e.field.slice(prefix.length) : e.field;
    result[field] = result[field] ? `${result[field]} ${fieldMessage(e.message, t)}` : fieldMessage(e.message, t);
  }
  return result;
}
