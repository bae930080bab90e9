// An application's audit trail, oldest first. The applicant sees what happened and when; a
// reviewer (`detailed`) also sees who, the inputs, the thresholds and model versions, the hashes,
// and whether the chain verifies.
import { formatDateTime, hasMessage, useI18n, type Translate } from '../i18n/i18n';
import type { ActorType, AuditEventList, AuditEventRecord } from '../api/types';
import { Notice } from './ErrorMessage';
import { reasonLabel } from '../review/reasons';
import { checkChain } from '../review/chain';

export function eventKindLabel(t: Translate, kind: string): string {
  return hasMessage(`event.${kind}`) ? t(`event.${kind}`) : kind;
}

function stateLabel(t: Translate, state: string): string {
  return hasMessage(`state.${state}`) ? t(`state.${state}`) : state;
}

const shortHash = (hash: string | null | undefined) => (hash ? hash.slice(0, 12) : '—');

/** The applicant's view names the kind of actor; the reviewer's the actor with their `sub`. */
function actorOf(event: AuditEventRecord): { type: ActorType; sub?: string | null } {
  return typeof event.actor === 'string' ? { type: event.actor } : event.actor;
}

/** The server's verdict on the chain (hashes recomputed over the stored bodies, up to the stored
 * head), and the browser's own check of the links it received. The chain verifies only when both
 * agree; without a server verdict the browser's check is shown as what it is. */
function ChainResult({ trail }: { trail: AuditEventList }) {
  const { t } = useI18n();
  const links = checkChain(trail.events);
  const server = trail.chainVerified ?? trail.verification?.verified;
  const broken = (reason: string) => (
    <div className="alert alert-error" role="alert" data-testid="chain-result" data-verified="false">
      {t('events.chain.broken', { reason })}
    </div>
  );
  if (server === false) return broken(trail.verification?.error || t('events.chain.server'));
  if (!links.verified) return broken(t(`events.chain.${links.problem}`, { seq: links.seq, expected: links.expected ?? '' }));
  const hash = shortHash(trail.verification?.headHash ?? links.headHash);
  return (
    <div data-testid="chain-result" data-verified="true" data-by={server ? 'server' : 'browser'}>
      <Notice tone="success">
        {server ? t('events.chain.verified', { count: links.count, hash }) : t('events.chain.linked', { count: links.count, hash })}
      </Notice>
    </div>
  );
}

function EventDetails({ event }: { event: AuditEventRecord }) {
  const { t } = useI18n();
  const sections: [string, unknown][] = [
    ['events.inputs', event.inputs],
    ['events.thresholds', event.thresholds],
    ['events.modelVersions', event.modelVersions],
  ];
  return (
    <details className="event-details">
      <summary>{t('events.details')}</summary>
      <dl className="facts">
        <div className="fact">
          <dt>{t('events.hash')}</dt>
          <dd>
            <code>{event.hash}</code>
          </dd>
        </div>
        <div className="fact">
          <dt>{t('events.prevHash')}</dt>
          <dd>
            <code>{event.prevHash ?? '—'}</code>
          </dd>
        </div>
        {sections
          .filter(([, value]) => value && typeof value === 'object' && Object.keys(value).length > 0)
          .map(([key, value]) => (
            <div key={key} className="fact">
              <dt>{t(key)}</dt>
              <dd>
                <pre className="json">{JSON.stringify(value, null, 2)}</pre>
              </dd>
            </div>
          ))}
      </dl>
    </details>
  );
}

function EventItem({ event, detailed }: { event: AuditEventRecord; detailed: boolean }) {
  const { t, language } = useI18n();
  const actor = actorOf(event);
  const reasonCodes = event.reasonCodes ?? [];
  return (
    <li data-kind={event.kind}>
      <div className="event-head">
        <time dateTime={event.at}>{formatDateTime(language, event.at)}</time>{' '}
        <strong>{eventKindLabel(t, event.kind)}</strong>
        <span className="hint">
          {' · '}
          {t(`events.actor.${actor.type}`)}
          {detailed && actor.sub ? ` ${actor.sub}` : ''}
        </span>
      </div>
      {(event.stateBefore || event.stateAfter) && (
        <div className="hint">
          {t('events.state', {
            before: event.stateBefore ? stateLabel(t, event.stateBefore) : '—',
            after: event.stateAfter ? stateLabel(t, event.stateAfter) : '—',
          })}
        </div>
      )}
      {reasonCodes.length > 0 && (
        <ul className="tags">
          {reasonCodes.map((code) => (
            <li key={code} className="tag">
              {reasonLabel(t, code)}
            </li>
          ))}
        </ul>
      )}
      {detailed && <EventDetails event={event} />}
    </li>
  );
}

export function EventTrail({ trail, detailed = false }: { trail: AuditEventList; detailed?: boolean }) {
  const { t } = useI18n();
  return (
    <div className="event-trail" data-testid="event-trail">
      {detailed && <ChainResult trail={trail} />}
      {trail.events.length === 0 ? (
        <p>{t('events.none')}</p>
      ) : (
        <ol className="events">
          {trail.events.map((event) => (
            <EventItem key={event.seq} event={event} detailed={detailed} />
          ))}
        </ol>
      )}
    </div>
  );
}
