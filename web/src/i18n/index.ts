import { markRaw } from 'vue';
import { createI18n } from 'vue-i18n';
import en from './en.json';
import type enAdmin from './en.admin.json';

export const locales = ['en', 'nl'] as const;
export type Locale = (typeof locales)[number];
const STORAGE_KEY = 'app-passwords.locale';

type Messages = typeof en & typeof enAdmin;

/**
 * Each language's messages, and the admin console's in a file of their own. English's own (the fallback) are in the
 * entry script; Dutch's, and each language's admin messages, are loaded when someone needs them: an English visit
 * to the security-info page fetches and parses neither.
 */
const loaders: Record<Locale, { own: () => Promise<object>; admin: () => Promise<object> }> = {
  en: { own: async () => en, admin: async () => (await import('./en.admin.json')).default },
  nl: { own: async () => (await import('./nl.json')).default, admin: async () => (await import('./nl.admin.json')).default },
};

/** Whether the admin console's messages are wanted (it was opened): then a language switched to brings them too. */
let adminWanted = false;

/** The stored choice, else the browser's preference: Dutch for any nl-*, English otherwise. */
function initialLocale(): Locale {
  const stored = localStorage.getItem(STORAGE_KEY);
  if (stored === 'en' || stored === 'nl') return stored;
  return navigator.languages.some((l) => l.toLowerCase().startsWith('nl')) ? 'nl' : 'en';
}

/**
 * vue-i18n keeps the messages in a deep ref: every `t()` would walk the
 * compiled messages through reactive proxies, tracking each property it
 * reads, which made `t()` most of the time a list of 40 app passwords took to
 * render. Raw, a language's messages are still reactive as a whole (replaced
 * by `setLocaleMessage`, which is all the console does with them).
 */
const raw = (messages: object) => markRaw({ ...messages }) as Messages;

export const i18n = createI18n<[Messages], Locale, false>({
  legacy: false,
  locale: 'en',
  fallbackLocale: 'en',
  messages: { en: raw(en) } as Record<Locale, Messages>,
});

const loading = new Map<string, Promise<void>>([['en', Promise.resolve()]]);

/** Adds one file of a language's messages (its own, or the admin console's), once; resolves at once when it is there. */
function load(locale: Locale, part: 'own' | 'admin'): Promise<void> {
  const key = part === 'own' ? locale : `${locale}.admin`;
  let done = loading.get(key);
  if (!done) {
    done = loaders[locale][part]().then((messages) =>
      i18n.global.setLocaleMessage(locale, raw({ ...i18n.global.getLocaleMessage(locale), ...messages })),
    );
    loading.set(key, done);
  }
  return done;
}

/**
 * Makes a language's messages available, with the admin console's when they are wanted by the time its own are in (a
 * page load of an admin page asks for them while the start language loads).
 */
async function loadMessages(locale: Locale): Promise<void> {
  await load(locale, 'own');
  if (adminWanted) await load(locale, 'admin');
}

/**
 * Makes the admin console's messages available, in the current language and in English (the fallback), and in any
 * language switched to from now on. The router waits for it before an admin page.
 */
export async function loadAdminMessages(): Promise<void> {
  adminWanted = true;
  const current = i18n.global.locale.value;
  await Promise.all([load('en', 'admin'), load(current, 'admin')]);
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
