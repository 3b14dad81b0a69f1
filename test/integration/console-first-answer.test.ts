import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignOutDocument } from '@app-passwords/schema';
import { statementsSent } from '../../server/src/db/statement-count.js';
import { BROWSER, decoded, get, renderedApp, WEB_DIST, type Answer } from '../support/console-page.js';
import { createTenant, createUser, insertAppPasswords, signedInClient, type TestUser } from '../support/factories.js';
import type { GraphQLClient } from '../support/graphql-client.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

/** What the build says the console asks first on a page load of its security-info page (web/vite.config.ts). */
const FIRST = JSON.parse(readFileSync(path.join(WEB_DIST, 'first-request.json'), 'utf8')) as { paths: string[]; body: string };
const INDEX = readFileSync(path.join(WEB_DIST, 'index.html'), 'utf8');
/** A name that would end the element and run a script if it went into the page as it is. */
const HOSTILE_NAME = '</script><script>alert(1)</script><!-- & \u2028';

let server: TestServer;
let ada: { user: TestUser; client: GraphQLClient };
let bob: { user: TestUser; client: GraphQLClient };

beforeAll(async () => {
  server = await startTestServer({ webDistDir: WEB_DIST });
  const signedIn = async () => {
    const user = await createUser(server.db, await createTenant(server.db));
    const [first] = await insertAppPasswords(server.db, user, 3);
    await server.db.query('UPDATE app_passwords SET name = $1 WHERE id = $2', [HOSTILE_NAME, first]);
    return { user, client: await signedInClient(server, user) };
  };
  [ada, bob] = await Promise.all([signedIn(), signedIn()]);
});
afterAll(() => server?.close());

const page = (target: string, cookie: string | undefined, headers: Record<string, string> = BROWSER, method = 'GET') =>
  get(server.url, target, { ...headers, ...(cookie === undefined ? {} : { cookie }) }, method);

/**
 * The answer in the page, parsed; undefined when it has none. Also checks that the page is index.html around it and
 * the page rendered from it (console-server-render.test.ts).
 */
function answerIn(answer: Answer): unknown {
  const sent = decoded(answer).toString('utf8');
  const html = renderedApp(sent)?.asBuilt ?? sent;
  const found = /<script type="application\/json" id="first-answer">(.*?)<\/script>/s.exec(html);
  expect(html.replace(found?.[0] ?? '', '')).toBe(INDEX);
  return found ? JSON.parse(found[1]!) : undefined;
}

describe("a page load of the security-info page carries the answer to the console's first request", () => {
  it('the build names the SecurityInfo query and the pages it is sent from', () => {
    expect(FIRST.paths).toEqual(['/', '/security-info']);
    expect(JSON.parse(FIRST.body)).toMatchObject({ operationName: 'SecurityInfo' });
  });

  it.each(['/security-info', '/'])(
    'at %s, for a live session: exactly what /graphql answers that request, never stored',
    async (target) => {
      const answer = await page(target, ada.client.cookie);
      expect(answer.status).toBe(200);
      expect(answer.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(answer.headers['content-encoding']).toBe('br');
      expect(answer.headers['cache-control']).toBe('no-store');
      expect(answer.headers.vary).toMatch(/\bCookie\b/i);
      expect(answer.headers.vary).toMatch(/\bAccept-Encoding\b/i);
      expect(answer.headers.etag).toBeUndefined();
      const viaGraphql = await ada.client.post(FIRST.body);
      expect(viaGraphql.errors).toBeUndefined();
      expect(answerIn(answer)).toEqual({ data: viaGraphql.data });
      expect(viaGraphql.data!.viewer.email).toBe(ada.user.email);
      expect(viaGraphql.data!.viewer.securityInfo.appPasswords).toHaveLength(3);
    },
  );

  it('the data cannot end the element: no "</script" or "<!--" in it, and the name reads back unchanged', async () => {
    const html = decoded(await page('/security-info', ada.client.cookie)).toString('utf8');
    const element = html.slice(html.indexOf('id="first-answer">'), html.lastIndexOf('</script>'));
    expect(element).not.toMatch(/<\/script|<!--|\u2028/i);
    const names = (answerIn(await page('/security-info', ada.client.cookie)) as any).data.viewer.securityInfo.appPasswords.map(
      (p: { name: string }) => p.name,
    );
    expect(names).toContain(HOSTILE_NAME);
  });

  it.each([
    ['gzip', 'gzip'],
    ['identity', undefined],
  ])('Accept-Encoding %s: sent as %s, the same page', async (acceptEncoding, encoding) => {
    const answer = await page('/security-info', ada.client.cookie, { accept: BROWSER.accept, 'accept-encoding': acceptEncoding });
    expect(answer.headers['content-encoding']).toBe(encoding);
    expect(answerIn(answer)).toMatchObject({ data: { viewer: { email: ada.user.email } } });
  });

  it("each user gets their own, and nothing of another tenant's user", async () => {
    const [forAda, forBob] = await Promise.all([page('/security-info', ada.client.cookie), page('/security-info', bob.client.cookie)]);
    const [adaHtml, bobHtml] = [decoded(forAda).toString('utf8'), decoded(forBob).toString('utf8')];
    expect(answerIn(forBob)).toMatchObject({ data: { viewer: { email: bob.user.email } } });
    expect(bobHtml).not.toContain(ada.user.email);
    expect(bobHtml).not.toContain(ada.user.tenantId);
    expect(adaHtml).not.toContain(bob.user.email);
  });

  it('costs one statement: the session lookup reads the page too, as for the same query sent to /graphql', async () => {
    await page('/security-info', ada.client.cookie); // the query text is looked at once, then known
    const before = statementsSent(server.runtimeDb);
    const answer = await page('/security-info', ada.client.cookie);
    expect(statementsSent(server.runtimeDb) - before).toBe(1);
    expect(answerIn(answer)).toMatchObject({ data: { viewer: { email: ada.user.email, securityInfo: { appPasswordCount: 3 } } } });
  });

  it('no answer, and nothing of anyone, without a live session: no cookie, an unknown one, one signed out, another cookie', async () => {
    const noCookie = await page('/security-info', undefined);
    expect(answerIn(noCookie)).toBeUndefined();
    expect(noCookie.headers['cache-control']).toBe('no-cache'); // the plain page, as before
    expect(noCookie.headers.vary).toMatch(/\bCookie\b/i); // a shared cache must not give it to a signed-in browser

    const leaver = await signedInClient(server, await createUser(server.db, await createTenant(server.db)));
    const cookie = leaver.cookie!;
    expect(answerIn(await page('/security-info', cookie))).toMatchObject({ data: { viewer: { securityInfo: {} } } });
    expect((await leaver.request(SignOutDocument)).errors).toBeUndefined();

    for (const sent of [cookie, 'ap_session=not-a-session', `${cookie.split('=')[0]}=`, 'theme=dark']) {
      const answer = await page('/security-info', sent);
      expect(answer.status, sent).toBe(200);
      expect(answerIn(answer), sent).toBeUndefined();
      expect(answer.headers['cache-control'], sent).toBe('no-store');
      expect(answer.headers.vary, sent).toMatch(/\bCookie\b/i);
    }
  });

  it('no answer for Basic credentials or an API token beside the cookie (which /graphql refuses), nor on other pages', async () => {
    const basic = `Basic ${Buffer.from(`${ada.user.email}:${ada.user.password}`).toString('base64')}`;
    expect(answerIn(await page('/security-info', ada.client.cookie, { ...BROWSER, authorization: basic }))).toBeUndefined();
    for (const other of ['/admin/users', '/sign-in', '/index.html']) {
      const answer = await page(other, ada.client.cookie);
      expect(answer.status, other).toBe(200);
      expect(answerIn(answer), other).toBeUndefined();
      expect(answer.headers['cache-control'], other).toBe('no-cache');
    }
  });

  it('HEAD: the headers of the page with the answer, no body, nothing run', async () => {
    const answer = await page('/security-info', ada.client.cookie, BROWSER, 'HEAD');
    expect(answer.status).toBe(200);
    expect(answer.headers['cache-control']).toBe('no-store');
    expect(answer.headers.vary).toMatch(/\bCookie\b/i);
    expect(answer.body.length).toBe(0);
  });

  it('a client that prefers JSON, or a POST, still gets no page', async () => {
    expect((await page('/security-info', ada.client.cookie, { accept: 'application/json' })).status).toBe(404);
    expect((await page('/security-info', ada.client.cookie, BROWSER, 'POST')).status).toBe(404);
  });
});
