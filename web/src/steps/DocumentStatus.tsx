import { useEffect, useState } from 'react';
import { useI18n } from '../i18n/i18n';
import { Screen } from '../components/Screen';
import { ErrorMessage, Notice } from '../components/ErrorMessage';
import { messageFor } from '../api/problems';
import type { ApiClient } from '../api/client';
import type { LendingDocument } from '../api/types';
import { ExtractedData } from './ExtractedData';

const POLL_MS = 2000;

function docType(t: ReturnType<typeof useI18n>['t'], type: string): string {
  const key = `doctype.${type}`;
  return t(key) === key ? type : t(key);
}

export function DocumentStatus({
  applicationId,
  documentId,
  api,
  onUploadAnother,
  pollMs = POLL_MS,
}: {
  applicationId: string;
  documentId: string;
  api: ApiClient;
  onUploadAnother: () => void;
  pollMs?: number;
}) {
  const { t } = useI18n();
  const [doc, setDoc] = useState<LendingDocument | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let cancelled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    async function poll() {
      try {
        const next = await api.getDocument(applicationId, documentId);
        if (cancelled) return;
        setDoc(next);
        setError(null);
        if (next.status === 'IN_PROGRESS') timer = setTimeout(poll, pollMs);
      } catch (err) {
        if (cancelled) return;
        setError(messageFor(err, t));
        timer = setTimeout(poll, pollMs * 2);
      }
    }
    void poll();
    return () => {
      cancelled = true;
      if (timer) clearTimeout(timer);
    };
  }, [api, applicationId, documentId, pollMs, t]);

  return (
    <Screen title={t('documents.title')} testId="step-documents">
      <ErrorMessage message={error} />
      {!doc && <p role="status">{t('app.loading')}</p>}
      {doc && (
        <div data-testid="document-status" data-status={doc.status}>
          <div aria-live="polite">
            <Notice tone={doc.status === 'SUCCEEDED' ? 'success' : doc.status === 'IN_PROGRESS' ? 'info' : 'warning'}>
              {t(`documents.status.${doc.status}`)}
            </Notice>
          </div>
          {doc.status !== 'IN_PROGRESS' && (
            <>
              <h3>{t('documents.groups')}</h3>
              {doc.documentGroups.length === 0 ? (
                <p>{t('documents.noGroups')}</p>
              ) : (
                <ul className="groups" data-testid="groups">
                  {doc.documentGroups.map((g, i) => (
                    <li key={`${g.type}-${i}`}>
                      {docType(t, g.type)} <span className="hint">({t('documents.pages', { pages: g.pages.join(', ') })})</span>
                    </li>
                  ))}
                </ul>
              )}
              <h3>{t('documents.extracted')}</h3>
              <ExtractedData data={doc.extracted ?? {}} />
              <h3>{t('documents.missing')}</h3>
              {doc.missingRequired.length === 0 ? (
                <p data-testid="missing">{t('documents.missingNone')}</p>
              ) : (
                <ul className="checklist" data-testid="missing">
                  {doc.missingRequired.map((m) => (
                    <li key={m}>{docType(t, m)}</li>
                  ))}
                </ul>
              )}
              {doc.flags.length > 0 && (
                <>
                  <h3>{t('documents.flags')}</h3>
                  <ul className="flags" data-testid="flags">
                    {doc.flags.map((f) => (
                      <li key={f}>{humanizeFlag(t, f)}</li>
                    ))}
                  </ul>
                </>
              )}
              <button type="button" className="button secondary" onClick={onUploadAnother}>
                {t('documents.uploadAnother')}
              </button>
            </>
          )}
        </div>
      )}
    </Screen>
  );
}

function humanizeFlag(t: ReturnType<typeof useI18n>['t'], flag: string): string {
  const key = `flag.${flag}`;
  if (t(key) !== key) return t(key);
  const words = flag.replace(/_/g, ' ').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}
