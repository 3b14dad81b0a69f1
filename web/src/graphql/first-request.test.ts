import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SecurityInfoDocument, ViewerDocument } from '@app-passwords/schema';
import { requestBody } from './first-request';

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
async function freshPage() {
  vi.resetModules();
  const { client } = await import('./client');
  const { useSession } = await import('../features/sign-in/useSession');
  return { client, session: useSession() };
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
  window.firstRequest = undefined;
});
afterEach(() => {
  vi.unstubAllGlobals();
  window.firstRequest = undefined;
});

describe('the request the first-visit script sends ahead', () => {
  it('is byte for byte the SecurityInfo request the console sends (src/first-visit.ts gets this body at build time)', async () => {
    const { client } = await freshPage();
    await client.query(SecurityInfoDocument, {}, { requestPolicy: 'network-only' }).toPromise();
    expect(sent).toEqual([await requestBody(SecurityInfoDocument)]);
  });

  it("answers the router guard's first request: the console sends no copy of it", async () => {
    const body = await requestBody(SecurityInfoDocument);
    window.firstRequest = { body, response: Promise.resolve(answer({ viewer: { ...viewer, securityInfo } })) };
    const { session } = await freshPage();
    await session.ensureLoaded(true);
    expect(session.viewer.value?.displayName).toBe('Ada');
    expect(session.takeSecurityInfo()).toBe(true);
    expect(sent).toEqual([]);
    expect(window.firstRequest).toBeNull();
  });

  it('is not taken for another first request, which goes out as usual; later requests go out as usual', async () => {
    window.firstRequest = { body: await requestBody(SecurityInfoDocument), response: Promise.resolve(answer({ viewer: null })) };
    const { client } = await freshPage();
    await client.query(ViewerDocument, {}, { requestPolicy: 'network-only' }).toPromise();
    expect(sent).toHaveLength(1);
    expect(window.firstRequest).toBeNull();
    await client.query(SecurityInfoDocument, {}, { requestPolicy: 'network-only' }).toPromise();
    expect(sent).toHaveLength(2);
  });

  it('when it failed, the console sends the request itself', async () => {
    const body = await requestBody(SecurityInfoDocument);
    const response = Promise.reject(new TypeError('Failed to fetch'));
    response.catch(() => {}); // as first-visit.ts does: the failure is the client's to handle, whenever it asks
    window.firstRequest = { body, response };
    const { session } = await freshPage();
    await session.ensureLoaded(true);
    expect(session.viewer.value?.displayName).toBe('Ada');
    expect(sent).toEqual([body]);
  });
});
