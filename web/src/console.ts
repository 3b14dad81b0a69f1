import { createApp, createSSRApp } from 'vue';
import type { RouterHistory } from 'vue-router';
import urql from '@urql/vue';
import App from './App.vue';
import { SESSION, createSession } from './features/sign-in/useSession';
import { createConsoleClient } from './graphql/client';
import { FORMAT, LANGUAGES, createFormat, createLanguages, type Locale } from './i18n';
import { createConsoleRouter } from './router';

export interface ConsoleOptions {
  /** Where the router keeps its place: the browser's address bar, or memory on the server. */
  history: RouterHistory;
  /** How the GraphQL client sends its requests. */
  fetch: typeof fetch;
  /** Rendered to HTML on the server, or taking over such HTML in the browser (hydration), rather than rendered afresh. */
  serverRendered: boolean;
  /** The zone dates show in; undefined for the browser's own. */
  timeZone?: string;
  /** Runs after each switch of language (the browser remembers the choice there). */
  languageSwitched?: (locale: Locale) => void;
}

/**
 * One console app with its own router, languages, GraphQL client and session:
 * the browser makes one per page, the server one per page it renders, so that
 * nothing of one visitor's page is ever shared with another's.
 */
export function createConsole(options: ConsoleOptions) {
  const app = options.serverRendered ? createSSRApp(App) : createApp(App);
  const languages = createLanguages(options.languageSwitched);
  const format = createFormat(languages.i18n, options.timeZone);
  const client = createConsoleClient(options.fetch);
  const session = createSession(client, languages);
  const router = createConsoleRouter(options.history, session, languages);
  app.use(languages.i18n).use(router).use(urql, client);
  app.provide(LANGUAGES, languages).provide(FORMAT, format).provide(SESSION, session);
  return { app, router, languages, format, session };
}
