import { useI18n } from '../i18n/i18n';
import { STEPS, type StepId } from '../flow';

export function StepIndicator({ current }: { current: StepId }) {
  const { t } = useI18n();
  const index = STEPS.indexOf(current);
  return (
    <nav aria-label={t('steps.label')}>
      <ol className="steps">
        {STEPS.map((step, i) => (
          <li
            key={step}
            className={i < index ? 'step done' : i === index ? 'step current' : 'step'}
            aria-current={i === index ? 'step' : undefined}
          >
            <span className="step-number" aria-hidden="true">
              {i + 1}
            </span>
            <span className="step-name">{t(`steps.${step}`)}</span>
            {i < index && <span className="visually-hidden"> ({t('steps.done')})</span>}
          </li>
        ))}
      </ol>
    </nav>
  );
}
