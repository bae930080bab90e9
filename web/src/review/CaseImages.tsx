// The ID images and the liveness reference and audit images, from presigned URLs that expire after
// 60 s. An image that fails to load (most likely an expired URL) asks the case for fresh URLs.
import { useState } from 'react';
import { useI18n, type Translate } from '../i18n/i18n';
import type { CaseImage, CaseImageKind } from '../api/types';

const ORDER: CaseImageKind[] = ['ID_FRONT', 'ID_BACK', 'LIVENESS_REFERENCE', 'LIVENESS_AUDIT'];

/** Each image with its label ("Liveness audit image 2") and a key that survives a refetch. */
export function labelledImages(images: CaseImage[], t: Translate): { key: string; label: string; url: string }[] {
  const sorted = [...images].sort((a, b) => ORDER.indexOf(a.kind) - ORDER.indexOf(b.kind));
  let audit = 0;
  return sorted.map((image) => {
    if (image.kind === 'LIVENESS_AUDIT') {
      audit += 1;
      return { key: `${image.kind}-${audit}`, label: t('review.images.LIVENESS_AUDIT', { n: audit }), url: image.url };
    }
    return { key: image.kind, label: t(`review.images.${image.kind}`), url: image.url };
  });
}

/** `onStale(failed)`: an image failed to load (failed) or is about to be loaded again (not failed,
 * the URLs may still be fresh enough). */
export function CaseImages({ images, onStale }: { images: CaseImage[]; onStale: (failed: boolean) => void }) {
  const { t } = useI18n();
  const [enlarged, setEnlarged] = useState<string | null>(null);
  const shown = labelledImages(images, t);
  if (shown.length === 0) return <p>{t('review.images.none')}</p>;
  return (
    <ul className="case-images" data-testid="case-images">
      {shown.map(({ key, label, url }) => (
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
              <img src={url} alt={label} data-image={key} onError={() => onStale(true)} />
            </button>
            <figcaption>{label}</figcaption>
          </figure>
        </li>
      ))}
    </ul>
  );
}
