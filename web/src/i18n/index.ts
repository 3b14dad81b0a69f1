import { inject, markRaw, ref, type InjectionKey, type Ref } from 'vue';
import { createI18n } from 'vue-i18n';
import en from './en.json';
import type enAdmin from './en.admin.json';

export const locales = ['en', 'nl'] as const;
export type Locale = (typeof locales)[number];

/** The cookie that keeps the language chosen in this browser; the server reads it too, to render a page in it. */
export const LOCALE_COOKIE = 'app-passwords.locale';

/** The cookie that keeps this browser's time zone, for the server to show dates in it when it renders a page. */
export const TIME_ZONE_COOKIE = 'app-passwords.time-zone';

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

export function isLocale(value: unknown): value is Locale {
  return (locales as readonly unknown[]).includes(value);
}

/**
 * The language a visit starts in: the one chosen in this browser, else the browser's preference (Dutch for any
 * nl-*, English otherwise). The same rule in the browser (navigator.languages) and on the server (Accept-Language).
 */
export function preferredLocale(chosen: string | undefined, languages: readonly string[]): Locale {
  if (isLocale(chosen)) return chosen;
  return languages.some((l) => l.trim().toLowerCase().startsWith('nl')) ? 'nl' : 'en';
}

/**
 * vue-i18n keeps the messages in a deep ref: every `t()` would walk the
 * compiled messages through reactive proxies, tracking each property it
 * reads, which made `t()` most of the time a list of 40 app passwords took to
 * render. Raw, a language's messages are still reactive as a whole (replaced
 * by `setLocaleMessage`, which is all the console does with them).
 */
const raw = (messages: object) => markRaw({ ...messages }) as Messages;

const createConsoleI18n = () =>
  createI18n<[Messages], Locale, false>({
    legacy: false,
    locale: 'en',
    fallbackLocale: 'en',
    messages: { en: raw(en) } as Record<Locale, Messages>,
  });
export type ConsoleI18n = ReturnType<typeof createConsoleI18n>;

/** One console's languages: its i18n instance, and switching between them with the messages loaded first. */
export interface Languages {
  i18n: ConsoleI18n;
  /** Switches to `locale` once its messages are there (and the admin console's, when they are wanted). */
  setLocale(locale: Locale): Promise<void>;
  /** Makes the admin console's messages available, in the current language and in English (the fallback), and in any language switched to from now on. The router waits for it before an admin page. */
  loadAdminMessages(): Promise<void>;
}

/**
 * The languages of one console app (one browser page, or one page rendered on the server): English until `setLocale`
 * switches to another. `switched` runs after each switch: the browser remembers the choice there.
 */
export function createLanguages(switched?: (locale: Locale) => void): Languages {
  const i18n = createConsoleI18n();
  const loading = new Map<string, Promise<void>>([['en', Promise.resolve()]]);
  /** Whether the admin console's messages are wanted (it was opened): then a language switched to brings them too. */
  let adminWanted = false;

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

  /** The language asked for last: when two switches overlap (the start language and the viewer's own), it stands. */
  let wanted: Locale | undefined;

  return {
    i18n,
    async setLocale(locale) {
      wanted = locale;
      await load(locale, 'own');
      if (adminWanted) await load(locale, 'admin');
      if (wanted !== locale) return;
      i18n.global.locale.value = locale;
      switched?.(locale);
    },
    async loadAdminMessages() {
      adminWanted = true;
      await Promise.all([load('en', 'admin'), load(i18n.global.locale.value, 'admin')]);
    },
  };
}

export const LANGUAGES: InjectionKey<Languages> = Symbol('languages');

/** The console's languages, in a component's setup. */
export function useLanguages(): Languages {
  const languages = inject(LANGUAGES);
  if (!languages) throw new Error('useLanguages() outside a console app');
  return languages;
}

/** BCP 47 tag for Intl formatting of a locale. */
export function intlLocale(locale: Locale): string {
  return locale === 'nl' ? 'nl-NL' : 'en-GB';
}

/**
 * One Intl formatter per locale, time zone and style, made on first use and
 * shared by every app in the process (a formatter never changes). Making one
 * costs about a millisecond (it loads the locale's data); using one costs
 * microseconds. Made per call, they were most of the time a list of 40 app
 * passwords took to render.
 */
const formatters = new Map<string, Intl.DateTimeFormat | Intl.NumberFormat>();

/** How a console shows dates and numbers: in its language, and dates in `timeZone` (undefined: the browser's own). */
export interface Format {
  timeZone: Ref<string | undefined>;
  formatDateTime(iso: string): string;
  formatDate(value: string | Date): string;
  formatNumber(value: number): string;
  /** A short day label for chart axes, e.g. "3 Nov". */
  formatDay(value: string | Date): string;
  /** Makes the pages' formatters ahead of use: the first one in a page costs tens of milliseconds (the locale's data loads). */
  warm(): void;
}

export function createFormat(i18n: ConsoleI18n, timeZone?: string): Format {
  const zone = ref(timeZone);
  function formatter<T extends Intl.DateTimeFormat | Intl.NumberFormat>(style: string, make: (locale: string, timeZone?: string) => T): T {
    const locale = intlLocale(i18n.global.locale.value);
    const key = `${locale} ${zone.value ?? ''} ${style}`;
    let made = formatters.get(key) as T | undefined;
    if (!made) formatters.set(key, (made = make(locale, zone.value)));
    return made;
  }
  const format: Format = {
    timeZone: zone,
    formatDateTime: (iso) =>
      formatter('dateTime', (l, timeZone) => new Intl.DateTimeFormat(l, { dateStyle: 'medium', timeStyle: 'short', timeZone })).format(
        new Date(iso),
      ),
    formatDate: (value) =>
      formatter('date', (l, timeZone) => new Intl.DateTimeFormat(l, { dateStyle: 'medium', timeZone })).format(new Date(value)),
    formatNumber: (value) => formatter('number', (l) => new Intl.NumberFormat(l)).format(value),
    formatDay: (value) =>
      formatter('day', (l, timeZone) => new Intl.DateTimeFormat(l, { day: 'numeric', month: 'short', timeZone })).format(new Date(value)),
    warm() {
      format.formatDateTime(new Date(0).toISOString());
      format.formatDate(new Date(0));
      format.formatNumber(0);
    },
  };
  return format;
}

export const FORMAT: InjectionKey<Format> = Symbol('format');

/** The console's date and number formatting, in a component's setup. */
export function useFormat(): Format {
  const format = inject(FORMAT);
  if (!format) throw new Error('useFormat() outside a console app');
  return format;
}
