import { useId, useState, type FormEvent } from 'react';
import { useI18n } from '../i18n/i18n';
import type { SimulatedOutcome } from '../api/client';

const OUTCOMES: SimulatedOutcome[] = ['PASS', 'BORDERLINE', 'FAIL', 'EXPIRED'];

/** Local stage only: instead of a camera, the emulator completes the session with an outcome. */
export function SimulatedCapture({ onCapture, busy }: { onCapture: (outcome: SimulatedOutcome, face: string) => void; busy: boolean }) {
  const { t } = useI18n();
  const [outcome, setOutcome] = useState<SimulatedOutcome>('PASS');
  const [face, setFace] = useState('alice');
  const faceId = useId();
  function submit(event: FormEvent) {
    event.preventDefault();
    onCapture(outcome, face);
  }
  return (
    <form className="simulated" onSubmit={submit} data-testid="simulated-capture">
      <p className="badge">{t('liveness.simulated.title')}</p>
      <p>{t('liveness.simulated.body')}</p>
      <fieldset>
        <legend>{t('liveness.simulated.outcome')}</legend>
        {OUTCOMES.map((o) => (
          <div className="radio" key={o}>
            <input id={`outcome-${o}`} type="radio" name="outcome" value={o} checked={outcome === o} onChange={() => setOutcome(o)} />
            <label htmlFor={`outcome-${o}`}>{t(`liveness.simulated.${o}`)}</label>
          </div>
        ))}
      </fieldset>
      <div className="field">
        <label htmlFor={faceId}>{t('liveness.simulated.face')}</label>
        <input id={faceId} name="face" value={face} onChange={(e) => setFace(e.target.value)} />
      </div>
      <button type="submit" className="button primary" disabled={busy}>
        {busy ? t('common.working') : t('liveness.simulated.submit')}
      </button>
    </form>
  );
}

/** Local stage only: starts a session for the simulated capture instead of the camera check. */
export function SimulatedFallbackButton({ onClick, busy }: { onClick: () => void; busy: boolean }) {
  const { t } = useI18n();
  return (
    <button type="button" className="button secondary" onClick={onClick} disabled={busy}>
      {t('liveness.simulated.use')}
    </button>
  );
}
