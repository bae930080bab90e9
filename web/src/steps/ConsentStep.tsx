import { useState, type FormEvent } from 'react';
import { useI18n } from '../i18n/i18n';
import { Screen } from '../components/Screen';
import { ErrorMessage } from '../components/ErrorMessage';
import { CONSENT_POLICY_VERSION } from '../consent';
import { messageFor } from '../api/problems';

export function ConsentStep({
  onConsent,
  retentionDays,
}: {
  onConsent: (policyVersion: string) => Promise<void>;
  retentionDays?: { biometrics: number; documents: number };
}) {
  const { t } = useI18n();
  const [checked, setChecked] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const days = (n: number) => t(n === 1 ? 'unit.day' : 'unit.days', { n });

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!checked) {
      setError(t('consent.required'));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await onConsent(CONSENT_POLICY_VERSION);
    } catch (err) {
      setError(messageFor(err, t));
      setBusy(false);
    }
  }

  return (
    <Screen title={t('consent.title')} testId="step-consent">
      <p>{t('consent.intro')}</p>
      <h3>{t('consent.what')}</h3>
      <p>{t('consent.what.items')}</p>
      <h3>{t('consent.keep')}</h3>
      <p>
        {retentionDays
          ? t('consent.keep.days', { biometrics: days(retentionDays.biometrics), documents: days(retentionDays.documents) })
          : t('consent.keep.items')}
      </p>
      <p>{t('consent.never')}</p>
      <p className="hint">{t('consent.policyVersion', { version: CONSENT_POLICY_VERSION })}</p>
      <form onSubmit={submit} noValidate>
        <ErrorMessage message={error} />
        <div className="checkbox">
          <input id="consent-checkbox" type="checkbox" checked={checked} onChange={(e) => setChecked(e.target.checked)} />
          <label htmlFor="consent-checkbox">{t('consent.checkbox')}</label>
        </div>
        <button type="submit" className="button primary" disabled={busy}>
          {busy ? t('common.working') : t('consent.submit')}
        </button>
      </form>
    </Screen>
  );
}
