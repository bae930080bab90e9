// Strings live in en.json / es.json; components only name keys.
import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';
import en from './en.json';
import es from './es.json';

export type Language = 'en' | 'es';
export type MessageKey = keyof typeof en;
export const LANGUAGES: Language[] = ['en', 'es'];
const catalogs: Record<Language, Record<string, string>> = { en, es };

export type Translate = (key: MessageKey | string, vars?: Record<string, string | number>) => string;

export function translate(language: Language, key: string, vars: Record<string, string | number> = {}): string {
  const template = catalogs[language][key] ?? catalogs.en[key] ?? key;
  return template.replace(/\{(\w+)\}/g, (_, name: string) => (name in vars ? String(vars[name]) : `{${name}}`));
}

export function hasMessage(key: string): boolean {
  return key in catalogs.en;
}

/** The suffixes of every message key under `prefix.` (e.g. the reason codes the app knows). */
export function messageSuffixes(prefix: string): string[] {
  return Object.keys(catalogs.en)
    .filter((key) => key.startsWith(`${prefix}.`))
    .map((key) => key.slice(prefix.length + 1));
}

/** Dates and times as the reader's language writes them. */
export function formatDateTime(language: Language, iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeStyle: 'short' }).format(date);
}

export function initialLanguage(): Language {
  const stored = typeof localStorage !== 'undefined' ? localStorage.getItem('lendverify.language') : null;
  if (stored === 'en' || stored === 'es') return stored;
  const browser = typeof navigator !== 'undefined' ? navigator.language : 'en';
  return browser.toLowerCase().startsWith('es') ? 'es' : 'en';
}

interface I18nValue {
  language: Language;
  setLanguage: (language: Language) => void;
  t: Translate;
}

const I18nContext = createContext<I18nValue>({
  language: 'en',
  setLanguage: () => undefined,
  t: (key, vars) => translate('en', key, vars),
});

export function I18nProvider({ children, language: fixed }: { children: ReactNode; language?: Language }) {
  const [language, setLanguageState] = useState<Language>(fixed ?? initialLanguage());
  const setLanguage = useCallback((next: Language) => {
    setLanguageState(next);
    localStorage.setItem('lendverify.language', next);
    document.documentElement.lang = next;
  }, []);
  const t = useCallback<Translate>((key, vars) => translate(language, key, vars), [language]);
  const value = useMemo(() => ({ language, setLanguage, t }), [language, setLanguage, t]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18nValue {
  return useContext(I18nContext);
}
