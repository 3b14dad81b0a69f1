import { mount, type ComponentMountingOptions } from '@vue/test-utils';
import { Client, fetchExchange } from '@urql/vue';
import urql from '@urql/vue';
import type { Component } from 'vue';
import { i18n } from '../i18n';

/** A GraphQL answer the component will receive, as the server would send it. */
export type Answer = { data?: unknown; errors?: Array<{ message: string; extensions: { code: string; field?: string } }> };

/**
 * Mounts a component with i18n and a real urql client whose fetch answers
 * from `answers`, one per request, recording each request body.
 */
export function mountWithApi<C extends Component>(component: C, options: ComponentMountingOptions<C>, answers: Answer[] = []) {
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
  i18n.global.locale.value = 'en';
  const wrapper = mount(component, {
    ...options,
    attachTo: document.body,
    global: { ...options.global, plugins: [i18n, [urql, client]] },
  } as ComponentMountingOptions<C>);
  return { wrapper, requests };
}

export const flush = () => new Promise((resolve) => setTimeout(resolve, 0));
