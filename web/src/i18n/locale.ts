/**
 * Which language a visitor starts in, and the Intl formats the console uses.
 * No vue-i18n here: the first-visit script (src/first-visit.ts) uses this too.
 */
export const locales = ['en', 'nl'] as const;
export type Locale = (typeof locales)[number];
export const STORAGE_KEY = 'app-passwords.locale';

/** The stored choice, else the browser's preference: Dutch for any nl-*, English otherwise. */
export function initialLocale(): Locale {
  const stored = localStorage.getItem(STORAGE_KEY);
  if (stored === 'en' || stored === 'nl') return stored;
  return navigator.languages.some((l) => l.toLowerCase().startsWith('nl')) ? 'nl' : 'en';
}

/** BCP 47 tag for Intl formatting in a locale. */
export function intlTag(locale: Locale): string {
  return locale === 'nl' ? 'nl-NL' : 'en-GB';
}

/** The console's Intl formats by name (formatDateTime … in ./index.ts). */
export const dateTimeFormats = {
  dateTime: { dateStyle: 'medium', timeStyle: 'short' },
  date: { dateStyle: 'medium' },
  day: { day: 'numeric', month: 'short' },
} satisfies Record<string, Intl.DateTimeFormatOptions>;
