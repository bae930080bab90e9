// Renders whatever the API extracted, without knowing its exact shape: nested groups become
// headed lists, and a field object ({text, confidence, ...normalised value}) becomes one value.
import { hasMessage, useI18n, type Translate } from '../i18n/i18n';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const META_KEYS = new Set(['text', 'confidence', 'lowConfidence', 'page', 'pages', 'geometry']);

export function humanize(key: string): string {
  const spaced = key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .trim()
    .toLowerCase();
  return spaced.charAt(0).toUpperCase() + spaced.slice(1);
}

/** The label of a key: its message (`extracted.<key>`) when the API's shape is known, else the
 * key spelled out, so a field the API adds later still shows. */
export function label(t: Translate, key: string): string {
  return hasMessage(`extracted.${key}`) ? t(`extracted.${key}`) : humanize(key);
}

function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A field reading: a `text` (or scalar `value`) plus its confidence and normalised forms, which
 * may be small objects of scalars (e.g. an amount with its currency). */
export function isField(value: Json): value is JsonObject {
  if (!isObject(value)) return false;
  const text = value.text ?? value.value;
  if (text === undefined || isObject(text) || Array.isArray(text)) return false;
  return Object.values(value).every((v) => !Array.isArray(v) && (!isObject(v) || Object.values(v).every((x) => !isObject(x) && !Array.isArray(x))));
}

function scalar(value: Json): string {
  if (value === null) return '—';
  if (isObject(value)) return Object.values(value).filter((v) => v !== null).map(String).join(' ');
  return String(value);
}

export function FieldValue({ value }: { value: Json }) {
  const { t } = useI18n();
  if (!isField(value)) return <>{scalar(value)}</>;
  const text = value.text ?? value.value;
  const normalised = Object.entries(value).filter(([k, v]) => !META_KEYS.has(k) && v !== null && String(v) !== String(text));
  return (
    <>
      <span className={value.lowConfidence ? 'low-confidence' : undefined}>{scalar(text ?? null)}</span>
      {normalised.map(([k, v]) => (
        <span key={k} className="normalised">
          {' '}
          ({label(t, k)}: {scalar(v)})
        </span>
      ))}
      {typeof value.confidence === 'number' && (
        <span className="confidence"> · {t('documents.confidence', { value: Math.round(value.confidence) })}</span>
      )}
      {value.lowConfidence === true && <strong className="low-confidence-label"> · {t('documents.lowConfidence')}</strong>}
    </>
  );
}

function isLeafEntry(value: Json): boolean {
  if (Array.isArray(value)) return value.every((v) => !isObject(v) && !Array.isArray(v));
  return !isObject(value) || isField(value);
}

/** One value row inside a <dl>. */
function Leaf({ name, value }: { name: string; value: Json }) {
  const { t } = useI18n();
  return (
    <div className="fact">
      <dt>{label(t, name)}</dt>
      <dd>{Array.isArray(value) ? value.map(scalar).join(', ') : <FieldValue value={value} />}</dd>
    </div>
  );
}

/** A group of entries: its plain values in one <dl>, nested groups after it. */
function Entries({ entries, level }: { entries: [string, Json][]; level: number }) {
  const leaves = entries.filter(([, v]) => isLeafEntry(v));
  const groups = entries.filter(([, v]) => !isLeafEntry(v));
  return (
    <>
      {leaves.length > 0 && (
        <dl className="facts">
          {leaves.map(([k, v]) => (
            <Leaf key={k} name={k} value={v} />
          ))}
        </dl>
      )}
      {groups.map(([k, v]) => (
        <Group key={k} name={k} value={v} level={level} />
      ))}
    </>
  );
}

function Group({ name, value, level, number }: { name: string; value: Json; level: number; number?: number }) {
  const { t } = useI18n();
  if (Array.isArray(value)) {
    return (
      <>
        {value.map((item, i) => (
          <Group key={i} name={name} number={value.length > 1 ? i + 1 : undefined} value={item} level={level} />
        ))}
      </>
    );
  }
  const Heading = level <= 0 ? 'h4' : 'h5';
  const entries: [string, Json][] = isObject(value) ? Object.entries(value) : [[name, value]];
  return (
    <div className="extracted-group">
      <Heading>{number === undefined ? label(t, name) : `${label(t, name)} ${number}`}</Heading>
      <Entries entries={entries.filter(([, v]) => v !== null && !(Array.isArray(v) && v.length === 0))} level={level + 1} />
    </div>
  );
}

export function ExtractedData({ data }: { data: Record<string, unknown> }) {
  const { t } = useI18n();
  const entries = Object.entries(data as JsonObject).filter(([, v]) => v !== null && !(Array.isArray(v) && v.length === 0));
  if (entries.length === 0) return <p>{t('documents.noExtracted')}</p>;
  return (
    <div className="extracted" data-testid="extracted">
      <Entries entries={entries} level={0} />
    </div>
  );
}
