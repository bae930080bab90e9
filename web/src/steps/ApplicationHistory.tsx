// "History": the applicant's own audit trail (what happened and when, no raw scores), loaded the
// first time it is opened.
import { useState } from 'react';
import { useI18n } from '../i18n/i18n';
import { ErrorMessage } from '../components/ErrorMessage';
import { EventTrail } from '../components/EventTrail';
import { messageFor } from '../api/problems';
import type { ApiClient } from '../api/client';
import type { AuditEventList } from '../api/types';

export function ApplicationHistory({ api, applicationId }: { api: Pick<ApiClient, 'listApplicationEvents'>; applicationId: string }) {
  const { t } = useI18n();
  const [trail, setTrail] = useState<AuditEventList | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);

  async function load() {
    setLoading(true);
    setError(null);
    try {
      setTrail(await api.listApplicationEvents(applicationId));
    } catch (err) {
      setError(messageFor(err, t));
    } finally {
      setLoading(false);
    }
  }

  return (
    <details
      className="history card"
      data-testid="history"
      onToggle={(e) => {
        if ((e.currentTarget as HTMLDetailsElement).open && !trail && !loading) void load();
      }}
    >
      <summary>{t('history.title')}</summary>
      <ErrorMessage message={error} />
      {loading && <p role="status">{t('app.loading')}</p>}
      {trail && <EventTrail trail={trail} />}
    </details>
  );
}
