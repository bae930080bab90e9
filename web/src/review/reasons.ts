// Reason codes in words: a short label for lists and filters, the full sentence where there is room.
import { hasMessage, type Translate } from '../i18n/i18n';

export function reasonLabel(t: Translate, code: string): string {
  return hasMessage(`reasonLabel.${code}`) ? t(`reasonLabel.${code}`) : code;
}

export function reasonText(t: Translate, code: string): string {
  return hasMessage(`reason.${code}`) ? t(`reason.${code}`) : t('reason.unknown', { code });
}
