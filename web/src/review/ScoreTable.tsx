// The scores the decision was made from, each as a number next to the thresholds it was compared
// with, then every other threshold in force.
import { hasMessage, useI18n, type Translate } from '../i18n/i18n';
import { humanize } from '../steps/ExtractedData';

/** Which thresholds each score is compared with (names as the API sends them). A score the app
 * does not know yet is paired with a threshold of its own name, if any. */
const COMPARED_WITH: Record<string, string[]> = {
  livenessConfidence: ['livenessPass', 'livenessReviewBand'],
  faceSimilarity: ['faceSimilarity', 'faceSimilarityReviewBand'],
};

export function scoreName(t: Translate, key: string): string {
  return hasMessage(`score.${key}`) ? t(`score.${key}`) : humanize(key);
}

export function thresholdName(t: Translate, key: string): string {
  return hasMessage(`threshold.${key}`) ? t(`threshold.${key}`) : humanize(key);
}

/** A number as the reader's language writes it; anything else the API sends, as text. */
const number = (language: string, value: unknown) => {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'number') return new Intl.NumberFormat(language, { maximumFractionDigits: 2 }).format(value);
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
};

export function ScoreTable({ scores, thresholds }: { scores: Record<string, number | null>; thresholds: Record<string, unknown> }) {
  const { t, language } = useI18n();
  const compared = (score: string) => (COMPARED_WITH[score] ?? [score]).filter((name) => name in thresholds);
  const used = new Set(Object.keys(scores).flatMap(compared));
  const others = Object.entries(thresholds).filter(([name]) => !used.has(name));
  return (
    <>
      <div className="table-scroll">
        <table className="scores" data-testid="scores">
          <thead>
            <tr>
              <th scope="col">{t('review.scores.score')}</th>
              <th scope="col">{t('review.scores.value')}</th>
              <th scope="col">{t('review.scores.threshold')}</th>
            </tr>
          </thead>
          <tbody>
            {Object.entries(scores).map(([name, value]) => (
              <tr key={name} data-score={name}>
                <th scope="row">{scoreName(t, name)}</th>
                <td className="number">{number(language, value)}</td>
                <td>
                  {compared(name).length === 0
                    ? '—'
                    : compared(name).map((threshold) => (
                        <div key={threshold}>
                          {thresholdName(t, threshold)}: <span className="number">{number(language, thresholds[threshold])}</span>
                        </div>
                      ))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {others.length > 0 && (
        <>
          <h4>{t('review.scores.otherThresholds')}</h4>
          <dl className="facts" data-testid="thresholds">
            {others.map(([name, value]) => (
              <div key={name} className="fact">
                <dt>{thresholdName(t, name)}</dt>
                <dd className="number">{number(language, value)}</dd>
              </div>
            ))}
          </dl>
        </>
      )}
    </>
  );
}
