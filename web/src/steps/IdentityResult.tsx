import { useI18n } from '../i18n/i18n';
import { Screen } from '../components/Screen';
import { Notice } from '../components/ErrorMessage';
import type { IdentityVerification } from '../api/types';

const DOCUMENT_FIELDS = ['type', 'givenName', 'familyName', 'dateOfBirth', 'documentNumberMasked', 'expiresOn'];

export function ReasonList({ reasons }: { reasons: string[] }) {
  const { t } = useI18n();
  return (
    <ul className="reasons" data-testid="reasons">
      {reasons.map((code) => {
        const key = `reason.${code}`;
        const text = t(key) === key ? t('reason.unknown', { code }) : t(key);
        return (
          <li key={code} data-code={code}>
            {text}
          </li>
        );
      })}
    </ul>
  );
}

export function IdentityResult({
  identity,
  onContinue,
  onRetry,
}: {
  identity: IdentityVerification;
  onContinue: () => void;
  onRetry: () => void;
}) {
  const { t } = useI18n();
  const document = identity.document ?? {};
  const shown = DOCUMENT_FIELDS.filter((f) => document[f] !== undefined && document[f] !== null && document[f] !== '');
  return (
    <Screen title={t('identity.title')} testId="step-identity-result">
      <div data-testid="identity-decision" data-decision={identity.decision}>
        <Notice tone={identity.decision === 'APPROVED' ? 'success' : identity.decision === 'REJECTED' ? 'warning' : 'info'}>
          {t(`identity.${identity.decision}`)}
        </Notice>
      </div>
      {identity.reasons.length > 0 && (
        <>
          <h3>{t('identity.reasons')}</h3>
          <ReasonList reasons={identity.reasons} />
        </>
      )}
      {shown.length > 0 && (
        <>
          <h3>{t('identity.document')}</h3>
          <dl className="facts">
            {shown.map((f) => (
              <div key={f}>
                <dt>{t(`docfield.${f}`)}</dt>
                <dd>{String(document[f])}</dd>
              </div>
            ))}
          </dl>
        </>
      )}
      <div className="actions">
        {identity.decision !== 'REJECTED' && (
          <button type="button" className="button primary" onClick={onContinue}>
            {t('identity.continue')}
          </button>
        )}
        {identity.decision !== 'APPROVED' && (
          <button type="button" className="button secondary" onClick={onRetry}>
            {t('identity.retry')}
          </button>
        )}
      </div>
    </Screen>
  );
}
