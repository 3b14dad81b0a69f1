import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SecurityInfoDocument, ViewerDocument } from '@app-passwords/schema';
import { createSession } from '../features/sign-in/useSession';
import { createLanguages } from '../i18n';
import { createConsoleClient } from './client';
import { requestBody, takeAnswerFromPage, takingFirstAnswer } from './first-request';

const viewer = {
  __typename: 'Viewer',
  id: '1',
  email: 'ada@example.test',
  displayName: 'Ada',
  role: 'USER',
  twoStepRequiredForAdmin: false,
  tenant: { __typename: 'Tenant', id: '1', name: 'Example' },
};
const securityInfo = {
  __typename: 'SecurityInfo',
  appPasswords: [],
  appPasswordCount: 0,
  appPasswordLimit: 10,
  availableMethods: [],
  appPasswordsEnabled: true,
  appPasswordsRequireTwoStep: false,
  twoStep: { __typename: 'TwoStepStatus', enabled: false, enabledAt: null, recoveryCodesLeft: 0 },
};
const answer = (data: unknown) => new Response(JSON.stringify({ data }), { headers: { 'content-type': 'application/json' } });

/** The console's client and session as a fresh page load has them (both keep state per page). */
function freshPage() {
  const client = createConsoleClient(takingFirstAnswer(takeAnswerFromPage, (input, init) => fetch(input, init)));
  return { client, session: createSession(client, createLanguages()) };
}

/** The page as the server sends it to a signed-in browser: the answer to the first request after the console's root. */
function pageWithAnswer(data: unknown) {
  const element = document.createElement('script');
  element.type = 'application/json';
  element.id = 'first-answer';
  element.textContent = JSON.stringify({ data });
  document.body.append(element);
}

let sent: string[];
beforeEach(() => {
  sent = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (_url: unknown, init?: RequestInit) => {
      sent.push(String(init?.body));
      return answer({ viewer: { ...viewer, securityInfo } });
    }),
  );
});
afterEach(() => {
  vi.unstubAllGlobals();
  document.getElementById('first-answer')?.remove();
});

describe('the answer to the first request, in the page', () => {
  it('is for byte for byte the SecurityInfo request the console sends (the server gets this body from the build)', async () => {
    const { client } = freshPage();
    await client.query(SecurityInfoDocument, {}, { requestPolicy: 'network-only' }).toPromise();
    expect(sent).toEqual([await requestBody(SecurityInfoDocument)]);
    expect(sent).toEqual([__FIRST_REQUEST_BODY__]);
  });

  it("answers the router guard's first request: the console sends no copy of it", async () => {
    pageWithAnswer({ viewer: { ...viewer, securityInfo } });
    const { session } = freshPage();
    await session.ensureLoaded(true);
    expect(session.viewer.value?.displayName).toBe('Ada');
    expect(session.takeSecurityInfo()).toBe(true);
    expect(sent).toEqual([]);
    expect(document.getElementById('first-answer')).toBeNull();
  });

  it('is not taken for another first request, which goes out as usual; later requests go out as usual', async () => {
    pageWithAnswer({ viewer: null });
    const { client } = freshPage();
    await client.query(ViewerDocument, {}, { requestPolicy: 'network-only' }).toPromise();
    expect(sent).toHaveLength(1);
    expect(document.getElementById('first-answer')).toBeNull();
    await client.query(SecurityInfoDocument, {}, { requestPolicy: 'network-only' }).toPromise();
    expect(sent).toHaveLength(2);
  });

  it('without one (signed out, or the server had none), the console sends the request itself', async () => {
    const { session } = freshPage();
    await session.ensureLoaded(true);
    expect(session.viewer.value?.displayName).toBe('Ada');
    expect(sent).toEqual([await requestBody(SecurityInfoDocument)]);
  });
});
