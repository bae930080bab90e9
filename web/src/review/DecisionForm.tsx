// A reviewer's decision on a case: APPROVED or REJECTED, 1–10 reason codes and an optional note.
// The first decision wins on the API; a later one is answered 409 and the case is reloaded.
import { useId, useState, type FormEvent } from 'react';
import { messageSuffixes, useI18n } from '../i18n/i18n';
import { ErrorMessage } from '../components/ErrorMessage';
import { ApiProblem, type ApiClient } from '../api/client';
import { fieldErrors, messageFor } from '../api/problems';
import type { ReviewDecision } from '../api/types';
import { reasonLabel } from './reasons';

export const MAX_REASON_CODES = 10;
export const MAX_NOTE_LENGTH = 2000;
const DECISIONS: ReviewDecision[] = ['APPROVED', 'REJECTED'];

export type DecisionOutcome = { kind: 'decided'; decision: ReviewDecision } | { kind: 'conflict'; message: string };

export function DecisionForm({
  api,
  applicationId,
  suggestedReasons,
  onFinished,
}: {
  api: Pick<ApiClient, 'decideReviewCase'>;
  applicationId: string;
  /** The case's own reason codes, ticked to start with. */
  suggestedReasons: string[];
  onFinished: (outcome: DecisionOutcome) => void;
}) {
  const { t } = useI18n();
  const noteId = useId();
  const [decision, setDecision] = useState<ReviewDecision | null>(null);
  const [reasons, setReasons] = useState<string[]>(suggestedReasons.slice(0, MAX_REASON_CODES));
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [fields, setFields] = useState<Record<string, string>>({});
  const codes = [...new Set([...suggestedReasons, ...messageSuffixes('reasonLabel')])];

  function toggle(code: string, on: boolean) {
    setReasons((current) => (on ? [...current, code] : current.filter((c) => c !== code)));
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    const missing: Record<string, string> = {};
    if (!decision) missing.decision = t('review.decision.chooseDecision');
    if (reasons.length === 0) missing.reasonCodes = t('review.decision.chooseReason');
    if (reasons.length > MAX_REASON_CODES) missing.reasonCodes = t('review.decision.tooManyReasons', { max: MAX_REASON_CODES });
    setFields(missing);
    if (!decision || Object.keys(missing).length > 0) {
      setError(t('form.errorSummary'));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await api.decideReviewCase(applicationId, { decision, reasonCodes: reasons, note: note.trim() || undefined });
      onFinished({ kind: 'decided', decision });
    } catch (err) {
      const message = messageFor(err, t, 'review-decision');
      if (err instanceof ApiProblem && err.status === 409) {
        onFinished({ kind: 'conflict', message });
        return;
      }
      setFields(fieldErrors(err, t));
      setError(message);
      setBusy(false);
    }
  }

  return (
    <form className="decision-form" onSubmit={submit} noValidate data-testid="decision-form">
      <ErrorMessage message={error} />
      <fieldset aria-describedby={fields.decision ? `${noteId}-decision-error` : undefined}>
        <legend>{t('review.decision.decision')}</legend>
        {fields.decision && (
          <p className="field-error" id={`${noteId}-decision-error`}>
            {fields.decision}
          </p>
        )}
        {DECISIONS.map((d) => (
          <label key={d} className="radio">
            <input type="radio" name="decision" value={d} checked={decision === d} onChange={() => setDecision(d)} />
            <span>{t(`review.decision.${d}`)}</span>
          </label>
        ))}
      </fieldset>
      <fieldset aria-describedby={fields.reasonCodes ? `${noteId}-reasons-error` : undefined}>
        <legend>{t('review.decision.reasonCodes')}</legend>
        {fields.reasonCodes && (
          <p className="field-error" id={`${noteId}-reasons-error`}>
            {fields.reasonCodes}
          </p>
        )}
        <div className="reason-choices">
          {codes.map((code) => (
            <label key={code} className="checkbox">
              <input type="checkbox" value={code} checked={reasons.includes(code)} onChange={(e) => toggle(code, e.target.checked)} />
              <span>
                {reasonLabel(t, code)} <code className="hint">{code}</code>
              </span>
            </label>
          ))}
        </div>
      </fieldset>
      <div className={fields.note ? 'field invalid' : 'field'}>
        <label htmlFor={noteId}>{t('review.decision.note')}</label>
        <textarea
          id={noteId}
          value={note}
          maxLength={MAX_NOTE_LENGTH}
          rows={4}
          aria-describedby={`${noteId}-count`}
          onChange={(e) => setNote(e.target.value)}
        />
        <p className="hint" id={`${noteId}-count`}>
          {t('review.decision.noteCount', { n: note.length, max: MAX_NOTE_LENGTH })}
        </p>
        {fields.note && <p className="field-error">{fields.note}</p>}
      </div>
      <button type="submit" className="button primary" disabled={busy}>
        {busy ? t('common.working') : t('review.decision.submit')}
      </button>
    </form>
  );
}
