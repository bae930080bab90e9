import { useEffect, useRef, useState } from 'react';
import { useI18n } from '../i18n/i18n';
import { messageFor } from '../api/problems';
import { ErrorMessage } from './ErrorMessage';

/** "Erase my data", behind an explicit confirmation. */
export function EraseData({ onErase }: { onErase: () => Promise<void> }) {
  const { t } = useI18n();
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const cancelRef = useRef<HTMLButtonElement>(null);
  const openRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (confirming) cancelRef.current?.focus();
  }, [confirming]);

  async function erase() {
    setBusy(true);
    setError(null);
    try {
      await onErase();
    } catch (err) {
      setError(messageFor(err, t));
      setBusy(false);
    }
  }

  if (!confirming) {
    return (
      <div className="erase">
        <button ref={openRef} type="button" className="button danger-outline" onClick={() => setConfirming(true)}>
          {t('erase.button')}
        </button>
      </div>
    );
  }
  return (
    <div
      className="erase confirm"
      role="alertdialog"
      aria-labelledby="erase-title"
      aria-describedby="erase-body"
      data-testid="erase-confirm"
    >
      <h2 id="erase-title">{t('erase.title')}</h2>
      <p id="erase-body">{t('erase.body')}</p>
      <ErrorMessage message={error} />
      <div className="actions">
        <button type="button" className="button danger" onClick={erase} disabled={busy}>
          {busy ? t('common.working') : t('erase.confirm')}
        </button>
        <button ref={cancelRef} type="button" className="button secondary" onClick={() => setConfirming(false)} disabled={busy}>
          {t('common.cancel')}
        </button>
      </div>
    </div>
  );
}
