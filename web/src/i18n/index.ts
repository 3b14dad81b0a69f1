import { createI18n } from 'vue-i18n';
import en from './en.json';
import enAdmin from './en.admin.json';
import nl from './nl.json';
import nlAdmin from './nl.admin.json';

export const locales = ['en', 'nl'] as const;
export type Locale = (typeof locales)[number];
const STORAGE_KEY = 'app-passwords.locale';
/** Each language's messages; the admin console's are in a file of their own. */
export const messages = { en: { ...en, ...enAdmin }, nl: { ...nl, ...nlAdmin } };

/** The stored choice, else the browser's preference: Dutch for any nl-*, English otherwise. */
function initialLocale(): Locale {
  const stored = localStorage.getItem(STORAGE_KEY);
  if (stored === 'en' || stored === 'nl') return stored;
  return navigator.languages.some((l) => l.toLowerCase().startsWith('nl')) ? 'nl' : 'en';
}

export const i18n = createI18n({
  legacy: false,
  locale: initialLocale(),
  fallbackLocale: 'en',
  messages,
});

export function setLocale(locale: Locale): void {
  i18n.global.locale.value = locale;
  localStorage.setItem(STORAGE_KEY, locale);
  document.documentElement.lang = locale === 'nl' ? 'nl-NL' : 'en';
}

/** BCP 47 tag for Intl formatting of the current locale. */
export function intlLocale(): string {
  return i18n.global.locale.value === 'nl' ? 'nl-NL' : 'en-GB';
}

export function formatDateTime(iso: string): string {
  return new Intl.DateTimeFormat(intlLocale(), { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));
}

export function formatNumber(value: number): string {
  return new Intl.NumberFormat(intlLocale()).format(value);
}

export function formatDate(value: string | Date): string {
  return new Intl.DateTimeFormat(intlLocale(), { dateStyle: 'medium' }).format(new Date(value));
}

/** A short day label for chart axes, e.g. "3 Nov". */
export function formatDay(value: string | Date): string {
  return new Intl.DateTimeFormat(intlLocale(), { day: 'numeric', month: 'short' }).format(new Date(value));
}
