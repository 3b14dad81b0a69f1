import { markRaw } from 'vue';
import { createI18n } from 'vue-i18n';
import en from './en.json';
import enAdmin from './en.admin.json';

export const locales = ['en', 'nl'] as const;
export type Locale = (typeof locales)[number];
const STORAGE_KEY = 'app-passwords.locale';

/**
 * Each language's messages; the admin console's are in a file of their own.
 * English (the fallback) is in the entry script; Dutch is loaded only when
 * someone uses it, so English visitors do not fetch and parse it.
 */
const loaders: Record<Locale, () => Promise<Messages>> = {
  en: async () => ({ ...en, ...enAdmin }),
  nl: async () => {
    const [nl, nlAdmin] = await Promise.all([import('./nl.json'), import('./nl.admin.json')]);
    return { ...nl.default, ...nlAdmin.default };
  },
};

/** The stored choice, else the browser's preference: Dutch for any nl-*, English otherwise. */
function initialLocale(): Locale {
  const stored = localStorage.getItem(STORAGE_KEY);
  if (stored === 'en' || stored === 'nl') return stored;
  return navigator.languages.some((l) => l.toLowerCase().startsWith('nl')) ? 'nl' : 'en';
}

type Messages = typeof en & typeof enAdmin;

/**
 * vue-i18n keeps the messages in a deep ref: every `t()` would walk the
 * compiled messages through reactive proxies, tracking each property it
 * reads, which made `t()` most of the time a list of 40 app passwords took to
 * render. Raw, a language's messages are still reactive as a whole (replaced
 * by `setLocaleMessage`, which is all the console does with them).
 */
const raw = (messages: Messages) => markRaw({ ...messages });

export const i18n = createI18n<[Messages], Locale, false>({
  legacy: false,
  locale: 'en',
  fallbackLocale: 'en',
  messages: { en: raw({ ...en, ...enAdmin }) } as Record<Locale, Messages>,
});

const loading = new Map<Locale, Promise<void>>();

/** Makes a language's messages available; resolves at once for one already loaded. */
function loadMessages(locale: Locale): Promise<void> {
  let done = loading.get(locale);
  if (!done) {
    done = i18n.global.availableLocales.includes(locale)
      ? Promise.resolve()
      : loaders[locale]().then((messages) => i18n.global.setLocaleMessage(locale, raw(messages)));
    loading.set(locale, done);
  }
  return done;
}

/** Switches the console's language once its messages are there, and remembers the choice. */
export async function setLocale(locale: Locale): Promise<void> {
  await loadMessages(locale);
  i18n.global.locale.value = locale;
  localStorage.setItem(STORAGE_KEY, locale);
  document.documentElement.lang = locale === 'nl' ? 'nl-NL' : 'en';
}

/** The language to start in (stored or preferred), with its messages loaded. */
export function startLocale(): Promise<void> {
  return setLocale(initialLocale());
}

/** BCP 47 tag for Intl formatting of the current locale. */
export function intlLocale(): string {
  return i18n.global.locale.value === 'nl' ? 'nl-NL' : 'en-GB';
}

/**
 * One Intl formatter per locale and style, made on first use. Making one
 * costs about a millisecond (it loads the locale's data); using one costs
 * microseconds. Made per call, they were most of the time a list of 40 app
 * passwords took to render.
 */
const formatters = new Map<string, Intl.DateTimeFormat | Intl.NumberFormat>();

function formatter<T extends Intl.DateTimeFormat | Intl.NumberFormat>(style: string, make: (locale: string) => T): T {
  const locale = intlLocale();
  const key = `${locale} ${style}`;
  let made = formatters.get(key) as T | undefined;
  if (!made) formatters.set(key, (made = make(locale)));
  return made;
}

export function formatDateTime(iso: string): string {
  return formatter('dateTime', (l) => new Intl.DateTimeFormat(l, { dateStyle: 'medium', timeStyle: 'short' })).format(new Date(iso));
}

export function formatNumber(value: number): string {
  return formatter('number', (l) => new Intl.NumberFormat(l)).format(value);
}

export function formatDate(value: string | Date): string {
  return formatter('date', (l) => new Intl.DateTimeFormat(l, { dateStyle: 'medium' })).format(new Date(value));
}

/**
 * Makes the pages' formatters for the current locale ahead of use. The first
 * one in a page costs tens of milliseconds (the locale's data loads); made
 * while the first request is in flight, that cost is off the path to the
 * first paint of a list.
 */
export function warmFormatters(): void {
  formatDateTime(new Date(0).toISOString());
  formatDate(new Date(0));
  formatNumber(0);
}

/** A short day label for chart axes, e.g. "3 Nov". */
export function formatDay(value: string | Date): string {
  return formatter('day', (l) => new Intl.DateTimeFormat(l, { day: 'numeric', month: 'short' })).format(new Date(value));
}
