// The review queue: NEEDS_REVIEW cases, oldest first, filterable by reason code, a page at a time.
import { useEffect, useId, useState } from 'react';
import { formatDateTime, messageSuffixes, useI18n } from '../i18n/i18n';
import { Screen } from '../components/Screen';
import { ErrorMessage } from '../components/ErrorMessage';
import { messageFor } from '../api/problems';
import type { ApiClient } from '../api/client';
import type { ReviewCaseSummary } from '../api/types';
import { reasonLabel } from './reasons';

type Page = { cases: ReviewCaseSummary[]; nextToken?: string | null };

export function ReviewQueue({ api, onOpen }: { api: Pick<ApiClient, 'listReviewCases'>; onOpen: (applicationId: string) => void }) {
  const { t, language } = useI18n();
  const filterId = useId();
  const [reasonCode, setReasonCode] = useState('');
  const [page, setPage] = useState<Page | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  const [error, setError] = useState<string | null>(null);

  // The first page for the chosen filter; an answer for a filter no longer chosen is dropped.
  useEffect(() => {
    let current = true;
    setPage(null);
    setError(null);
    api.listReviewCases({ reasonCode: reasonCode || undefined }).then(
      (first) => current && setPage(first),
      (err: unknown) => current && setError(messageFor(err, t, 'review')),
    );
    return () => {
      current = false;
    };
  }, [api, t, reasonCode]);

  async function loadMore() {
    if (!page?.nextToken) return;
    setLoadingMore(true);
    setError(null);
    try {
      const next = await api.listReviewCases({ reasonCode: reasonCode || undefined, nextToken: page.nextToken });
      setPage({ cases: [...page.cases, ...next.cases], nextToken: next.nextToken });
    } catch (err) {
      setError(messageFor(err, t, 'review'));
    } finally {
      setLoadingMore(false);
    }
  }

  return (
    <Screen title={t('review.queue.title')} testId="review-queue">
      <p>{t('review.queue.intro')}</p>
      <div className="field filter">
        <label htmlFor={filterId}>{t('review.queue.filter')}</label>
        <select id={filterId} value={reasonCode} onChange={(e) => setReasonCode(e.target.value)}>
          <option value="">{t('review.queue.filterAll')}</option>
          {messageSuffixes('reasonLabel').map((code) => (
            <option key={code} value={code}>
              {reasonLabel(t, code)}
            </option>
          ))}
        </select>
      </div>
      <ErrorMessage message={error} />
      {!page && !error && <p role="status">{t('app.loading')}</p>}
      {page && page.cases.length === 0 && (
        <p className="empty" data-testid="review-queue-empty">
          {reasonCode ? t('review.queue.emptyFiltered') : t('review.queue.empty')}
        </p>
      )}
      {page && page.cases.length > 0 && (
        <div className="table-scroll">
          <table className="cases" data-testid="review-cases">
            <caption className="visually-hidden">{t('review.queue.caption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('review.queue.queuedAt')}</th>
                <th scope="col">{t('review.queue.application')}</th>
                <th scope="col">{t('review.queue.reasons')}</th>
                <th scope="col">
                  <span className="visually-hidden">{t('review.queue.actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {page.cases.map((c) => (
                <tr key={c.applicationId} data-testid="review-case-row" data-application-id={c.applicationId}>
                  <td>{formatDateTime(language, c.queuedAt)}</td>
                  <td>
                    <code>{c.applicationId}</code>
                  </td>
                  <td>
                    <ul className="tags">
                      {c.reasons.map((code) => (
                        <li key={code} className="tag" data-code={code}>
                          {reasonLabel(t, code)}
                        </li>
                      ))}
                    </ul>
                  </td>
                  <td>
                    <button
                      type="button"
                      className="button secondary"
                      onClick={() => onOpen(c.applicationId)}
                      aria-label={t('review.queue.openCase', { id: c.applicationId })}
                    >
                      {t('review.queue.open')}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {page?.nextToken && (
        <button type="button" className="button secondary" onClick={loadMore} disabled={loadingMore}>
          {loadingMore ? t('common.working') : t('review.queue.loadMore')}
        </button>
      )}
    </Screen>
  );
}
