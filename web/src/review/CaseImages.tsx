// The ID images and the liveness reference and audit images, from presigned URLs that expire after
// 60 s. An image that fails to load (most likely an expired URL) asks the case for fresh URLs.
import { useState } from 'react';
import { useI18n } from '../i18n/i18n';
import type { PresignedImage, ReviewImages } from '../api/types';

interface Shown {
  key: string;
  label: string;
  image: PresignedImage;
}

/** `onStale(failed)`: an image failed to load (failed) or is about to be loaded again (not failed,
 * the URLs may still be fresh enough). */
export function CaseImages({ images, onStale }: { images: ReviewImages; onStale: (failed: boolean) => void }) {
  const { t } = useI18n();
  const [enlarged, setEnlarged] = useState<string | null>(null);
  const shown: Shown[] = [
    { key: 'idFront', label: t('review.images.idFront'), image: images.idFront },
    { key: 'idBack', label: t('review.images.idBack'), image: images.idBack },
    { key: 'livenessReference', label: t('review.images.livenessReference'), image: images.livenessReference },
    ...(images.livenessAudit ?? []).map((image, i) => ({
      key: `livenessAudit-${i}`,
      label: t('review.images.livenessAudit', { n: i + 1 }),
      image,
    })),
  ].filter((s): s is Shown => Boolean(s.image?.url));
  if (shown.length === 0) return <p>{t('review.images.none')}</p>;
  return (
    <ul className="case-images" data-testid="case-images">
      {shown.map(({ key, label, image }) => (
        <li key={key} className={enlarged === key ? 'enlarged' : undefined}>
          <figure>
            <button
              type="button"
              className="image-button"
              aria-expanded={enlarged === key}
              aria-label={enlarged === key ? t('review.images.shrink', { label }) : t('review.images.enlarge', { label })}
              onClick={() => {
                // The browser may load the full-size image anew: make sure its URL is still valid.
                onStale(false);
                setEnlarged(enlarged === key ? null : key);
              }}
            >
              <img src={image.url} alt={label} data-image={key} onError={() => onStale(true)} />
            </button>
            <figcaption>{label}</figcaption>
          </figure>
        </li>
      ))}
    </ul>
  );
}
