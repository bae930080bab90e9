import { useI18n } from '../i18n/i18n';
import { Screen } from '../components/Screen';
import { Notice } from '../components/ErrorMessage';
import type { IdentityVerification } from '../api/types';
import { decisionInForce } from '../flow';

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

export function IdentityResult({ identity, onContinue }: { identity: IdentityVerification; onContinue: () => void }) {
  const { t } = useI18n();
  const document = identity.document ?? {};
  const shown = DOCUMENT_FIELDS.filter((f) => document[f] !== undefined && document[f] !== null && document[f] !== '');
  const decision = decisionInForce(identity);
  const reviewed = Boolean(identity.review);
  return (
    <Screen title={t('identity.title')} testId="step-identity-result">
      <div data-testid="identity-decision" data-decision={decision} data-reviewed={reviewed}>
        <Notice tone={decision === 'APPROVED' ? 'success' : decision === 'REJECTED' ? 'warning' : 'info'}>
          {reviewed ? t(`identity.reviewed.${decision}`) : t(`identity.${decision}`)}
        </Notice>
      </div>
      {/* An approval needs no why; reasons beside one are those a reviewer has since overruled. */}
      {decision !== 'APPROVED' && identity.reasons.length > 0 && (
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
      {/* A decision is final: a new submission is refused (409 decision-final). */}
      {decision === 'REJECTED' && <p>{t('identity.final')}</p>}
      {decision !== 'REJECTED' && (
        <div className="actions">
          <button type="button" className="button primary" onClick={onContinue}>
            {t('identity.continue')}
          </button>
        </div>
      )}
    </Screen>
  );
}
