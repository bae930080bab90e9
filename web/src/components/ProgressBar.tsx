import { useI18n } from '../i18n/i18n';

export function ProgressBar({ value, label }: { value: number; label: string }) {
  const { t } = useI18n();
  const percent = Math.round(value * 100);
  return (
    <div className="progress">
      <span className="progress-label">
        {label}: {percent}%
      </span>
      <progress max={100} value={percent} aria-label={`${t('upload.progress')}: ${label}`} />
    </div>
  );
}
