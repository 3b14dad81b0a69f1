import { mount, type ComponentMountingOptions } from '@vue/test-utils';
import { Client, fetchExchange } from '@urql/vue';
import urql from '@urql/vue';
import type { Component } from 'vue';
import type { ViewerFieldsFragment } from '@app-passwords/schema';
import { SESSION, createSession } from '../features/sign-in/useSession';
import { FORMAT, LANGUAGES, createFormat, createLanguages } from '../i18n';
import enAdmin from '../i18n/en.admin.json';

/** A GraphQL answer the component will receive, as the server would send it. */
export type Answer = { data?: unknown; errors?: Array<{ message: string; extensions: { code: string; field?: string } }> };

/**
 * Mounts a component as a console app has it: its own languages (English,
 * with the admin console's messages, as an admin page has them), date
 * formatting, a session (signed in as `viewer` when given) and a real urql
 * client whose fetch answers from `answers`, one per request, recording each
 * request body.
 */
export function mountWithApi<C extends Component>(
  component: C,
  options: ComponentMountingOptions<C>,
  answers: Answer[] = [],
  viewer?: Partial<ViewerFieldsFragment>,
) {
  const requests: Array<{ query: string; variables: unknown }> = [];
  const client = new Client({
    url: 'http://console.test/graphql',
    exchanges: [fetchExchange],
    preferGetMethod: false,
    fetch: async (_url, init) => {
      requests.push(JSON.parse(String(init?.body)));
      const answer = answers.shift() ?? { errors: [{ message: 'no answer scripted', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] };
      return new Response(JSON.stringify(answer), { headers: { 'content-type': 'application/json' } });
    },
  });
  const languages = createLanguages();
  languages.i18n.global.setLocaleMessage('en', { ...languages.i18n.global.getLocaleMessage('en'), ...enAdmin });
  void languages.loadAdminMessages(); // and in any language switched to
  const session = createSession(client, languages);
  if (viewer) session.viewer.value = viewer as ViewerFieldsFragment;
  const wrapper = mount(component, {
    ...options,
    attachTo: document.body,
    global: {
      ...options.global,
      plugins: [languages.i18n, [urql, client]],
      provide: { [LANGUAGES]: languages, [FORMAT]: createFormat(languages.i18n), [SESSION]: session },
    },
  } as ComponentMountingOptions<C>);
  return { wrapper, requests, languages, session };
}

export const flush = () => new Promise((resolve) => setTimeout(resolve, 0));
