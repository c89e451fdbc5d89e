import { configureLocalization, type LocaleModule } from '@lit/localize';
import { allLocales, sourceLocale, targetLocales } from '../generated/locale-codes.js';

export const locales = allLocales;
export type Locale = (typeof allLocales)[number];
type TargetLocale = (typeof targetLocales)[number];

/** The languages, each named in itself, for language pickers. */
export const LANGUAGES: readonly { code: Locale; name: string }[] = [
  { code: 'en', name: 'English' },
  { code: 'de', name: 'Deutsch' },
  { code: 'fr', name: 'Français' },
  { code: 'es', name: 'Español' },
  { code: 'nl', name: 'Nederlands' },
  { code: 'it', name: 'Italiano' },
  { code: 'zh-Hans', name: '中文（简体）' },
  { code: 'ar', name: 'العربية' },
];

// Each language is its own chunk, fetched only when chosen.
const translations: Record<TargetLocale, () => Promise<LocaleModule>> = {
  ar: () => import('../generated/locales/ar.js'),
  de: () => import('../generated/locales/de.js'),
  es: () => import('../generated/locales/es.js'),
  fr: () => import('../generated/locales/fr.js'),
  it: () => import('../generated/locales/it.js'),
  nl: () => import('../generated/locales/nl.js'),
  'zh-Hans': () => import('../generated/locales/zh-Hans.js'),
};

/** One locale per page (Lit localize's runtime mode); every element re-renders when it changes. */
export const { getLocale, setLocale } = configureLocalization({
  sourceLocale,
  targetLocales,
  loadLocale: (locale) => translations[locale as TargetLocale](),
});

/** `auto` (or nothing) follows the browser's languages; `de-AT` → `de`, `zh-CN` → `zh-Hans`. */
export function resolveLocale(requested: string | null | undefined, preferred: readonly string[] = navigator.languages): Locale {
  const candidates = !requested || requested === 'auto' ? preferred : [requested];
  for (const candidate of candidates) {
    const tag = candidate.toLowerCase();
    const exact = allLocales.find((l) => l.toLowerCase() === tag);
    if (exact) return exact;
    const language = tag.split('-')[0];
    if (language === 'zh') return 'zh-Hans';
    const base = allLocales.find((l) => l === language);
    if (base) return base;
  }
  return sourceLocale;
}

/** Applies an element's `locale` attribute (the last element to ask wins, page-wide). */
export function useLocale(requested: string | null | undefined): Promise<void> {
  const locale = resolveLocale(requested);
  return locale === getLocale() ? Promise.resolve() : setLocale(locale);
}
