import { useId, useState, type FormEvent } from 'react';
import { useI18n } from '../i18n/i18n';
import { Screen } from '../components/Screen';
import { ErrorMessage } from '../components/ErrorMessage';
import { fieldErrors, messageFor } from '../api/problems';
import { ApiProblem } from '../api/client';

export interface ApplicantInput {
  givenName: string;
  familyName: string;
  dateOfBirth: string;
}

type Field = keyof ApplicantInput;

function TextField({
  name,
  label,
  hint,
  value,
  error,
  onChange,
  type = 'text',
  autoComplete,
}: {
  name: Field;
  label: string;
  hint?: string;
  value: string;
  error?: string;
  onChange: (value: string) => void;
  type?: string;
  autoComplete: string;
}) {
  const id = useId();
  const describedBy = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div className={error ? 'field invalid' : 'field'}>
      <label htmlFor={id}>{label}</label>
      {hint && (
        <p className="hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      {error && (
        <p className="field-error" id={`${id}-error`} data-testid={`error-${name}`}>
          {error}
        </p>
      )}
      <input
        id={id}
        name={name}
        type={type}
        value={value}
        autoComplete={autoComplete}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy}
        onChange={(e) => onChange(e.target.value)}
      />
    </div>
  );
}

export function ApplicationForm({ onSubmit }: { onSubmit: (applicant: ApplicantInput) => Promise<void> }) {
  const { t } = useI18n();
  const [values, setValues] = useState<ApplicantInput>({ givenName: '', familyName: '', dateOfBirth: '' });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const set = (field: Field) => (value: string) => setValues((v) => ({ ...v, [field]: value }));

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setErrors({});
    try {
      await onSubmit({
        givenName: values.givenName,
        familyName: values.familyName,
        dateOfBirth: values.dateOfBirth,
      });
    } catch (err) {
      const byField = fieldErrors(err, t, 'applicant.');
      setErrors(byField);
      setError(err instanceof ApiProblem && err.status === 422 ? t('form.errorSummary') : messageFor(err, t));
      setBusy(false);
    }
  }

  return (
    <Screen title={t('form.title')} testId="step-application">
      <p>{t('form.intro')}</p>
      <form onSubmit={submit} noValidate>
        <ErrorMessage message={error} />
        <TextField name="givenName" label={t('form.givenName')} value={values.givenName} error={errors.givenName} onChange={set('givenName')} autoComplete="given-name" />
        <TextField name="familyName" label={t('form.familyName')} value={values.familyName} error={errors.familyName} onChange={set('familyName')} autoComplete="family-name" />
        <TextField
          name="dateOfBirth"
          label={t('form.dateOfBirth')}
          hint={t('form.dateOfBirth.hint')}
          value={values.dateOfBirth}
          error={errors.dateOfBirth}
          onChange={set('dateOfBirth')}
          autoComplete="bday"
        />
        <button type="submit" className="button primary" disabled={busy}>
          {busy ? t('common.working') : t('form.submit')}
        </button>
      </form>
    </Screen>
  );
}
