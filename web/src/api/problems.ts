// problem+json answers → sentences an applicant understands, and 422 field errors → the form
// fields they belong to.
import { hasMessage, type Translate } from '../i18n/i18n';
import { ApiProblem, NetworkError } from './client';

/** Where the error happened, for messages that depend on it (a 415 on an ID vs a PDF upload). */
export type ErrorContext = 'id' | 'lending' | 'liveness' | 'general';

export function messageFor(error: unknown, t: Translate, context: ErrorContext = 'general'): string {
  if (error instanceof NetworkError) return t('error.network');
  if (!(error instanceof ApiProblem)) return t('error.default');
  const status = error.status;
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
