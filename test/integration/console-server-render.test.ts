import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SetMyLanguageDocument } from '@app-passwords/schema';
import { BROWSER, decoded, get, renderedApp, WEB_DIST } from '../support/console-page.js';
import { createTenant, createUser, insertAppPasswords, signedInClient, type TestUser } from '../support/factories.js';
import type { GraphQLClient } from '../support/graphql-client.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

/** A name that would end an element and run a script if it went into the page as it is. */
const HOSTILE_NAME = '</h3><script>alert(1)</script>';
/** When every app password of these tests was made (inserted so, not now: the dates must not depend on the clock). */
const MADE = new Date('2026-03-01T23:30:00Z');

let server: TestServer;
let ada: { user: TestUser; client: GraphQLClient; names: string[] };
let bob: { user: TestUser; client: GraphQLClient; names: string[] };

beforeAll(async () => {
  server = await startTestServer({ webDistDir: WEB_DIST });
  const signedIn = async (who: string) => {
    const user = await createUser(server.db, await createTenant(server.db));
    const ids = await insertAppPasswords(server.db, user, 3);
    const names = [`${who}'s laptop`, `${who}'s phone`, HOSTILE_NAME];
    for (const [i, id] of ids.entries()) {
      await server.db.query('UPDATE app_passwords SET name = $1, created_at = $2 WHERE id = $3', [names[i], MADE, id]);
    }
    await server.db.query('UPDATE users SET display_name = $1 WHERE id = $2', [who, user.id]);
    return { user, client: await signedInClient(server, user), names };
  };
  [ada, bob] = await Promise.all([signedIn('Ada'), signedIn('Bob')]);
});
afterAll(() => server?.close());

interface Rendered {
  /** The `#app` element's attributes (what the page was rendered in). */
  attributes: string;
  /** What is in it: empty when the browser renders the page itself. */
  html: string;
}

/** The console's root element of a page load, as the server sent it. */
async function pageLoad(target: string, cookie: string, headers: Record<string, string> = {}): Promise<Rendered> {
  const answer = await get(server.url, target, { ...BROWSER, ...headers, cookie });
  expect(answer.status).toBe(200);
  const page = decoded(answer).toString('utf8');
  const root = renderedApp(page);
  if (!root) return { attributes: '', html: /<div id="app"><\/div>/.test(page) ? '' : page };
  return { attributes: root.attributes, html: root.html };
}

const dateTime = (locale: string, timeZone: string) =>
  new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone }).format(MADE);

describe('a signed-in page load of the security-info page comes rendered: the list shows before any script has run', () => {
  it.each(['/security-info', '/'])('at %s: the header, the page and every app password, in English by default', async (target) => {
    const { attributes, html } = await pageLoad(target, ada.client.cookie!);
    expect(attributes).toBe(' data-locale="en" data-time-zone="UTC"');
    expect(html).toContain('<h1>Security info</h1>');
    expect(html).toContain('>3 of 40 app passwords</h2>');
    expect(html).toContain('>Ada</span>'); // who is signed in, in the header
    expect(html).toContain(ada.names[0]!.replace("'", '&#39;'));
    expect(html).toContain(ada.names[1]!.replace("'", '&#39;'));
    expect(html).toContain(dateTime('en-GB', 'UTC'));
  });

  it('a name is text, never markup', async () => {
    const { html } = await pageLoad('/security-info', ada.client.cookie!);
    expect(html).toContain('&lt;/h3&gt;&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.toContain('<script');
  });

  it("in the language of the browser, of the choice made in this browser, or the user's saved choice above both", async () => {
    const dutchBrowser = await pageLoad('/security-info', ada.client.cookie!, { 'accept-language': 'de-DE, nl-NL;q=0.8' });
    expect(dutchBrowser.attributes).toContain('data-locale="nl"');
    expect(dutchBrowser.html).toContain('<h1>Beveiligingsgegevens</h1>');
    const chosenHere = await pageLoad('/security-info', `${ada.client.cookie}; app-passwords.locale=en`, { 'accept-language': 'nl-NL' });
    expect(chosenHere.html).toContain('<h1>Security info</h1>');

    const carol = await signedInClient(server, await createUser(server.db, await createTenant(server.db)));
    expect((await carol.request(SetMyLanguageDocument, { language: 'NL' })).errors).toBeUndefined();
    const saved = await pageLoad('/security-info', `${carol.cookie}; app-passwords.locale=en`, { 'accept-language': 'en-GB' });
    expect(saved.attributes).toContain('data-locale="nl"');
    expect(saved.html).toContain('<h1>Beveiligingsgegevens</h1>');
  });

  it("dates in the browser's time zone as its cookie says; UTC for a zone nobody knows", async () => {
    const tokyo = await pageLoad('/security-info', `${ada.client.cookie}; app-passwords.time-zone=Asia%2FTokyo`);
    expect(tokyo.attributes).toContain('data-time-zone="Asia/Tokyo"');
    expect(tokyo.html).toContain(dateTime('en-GB', 'Asia/Tokyo')); // 2 Mar 2026, 08:30: another day than in UTC
    expect(tokyo.html).not.toContain(dateTime('en-GB', 'UTC'));
    for (const zone of ['Mars%2FOlympus', '%22%3E%3Cscript%3E', 'x'.repeat(300)]) {
      const unknown = await pageLoad('/security-info', `${ada.client.cookie}; app-passwords.time-zone=${zone}`);
      expect(unknown.attributes, zone).toBe(' data-locale="en" data-time-zone="UTC"');
      expect(unknown.html, zone).toContain(dateTime('en-GB', 'UTC'));
    }
  });

  it('pages rendered at the same time for users of two tenants each show their own user and nothing of the other', async () => {
    const loads = Array.from({ length: 12 }, (_, i) => (i % 2 === 0 ? ada : bob));
    const pages = await Promise.all(
      loads.map((who, i) => pageLoad('/security-info', who.client.cookie!, i % 3 === 0 ? { 'accept-language': 'nl' } : {})),
    );
    for (const [i, { html }] of pages.entries()) {
      const [own, other] = loads[i] === ada ? [ada, bob] : [bob, ada];
      expect(html).toContain(own.names[0]!.replace("'", '&#39;'));
      expect(html).not.toContain(other.names[0]!.replace("'", '&#39;'));
      expect(html).not.toContain(other.user.email);
      expect(html).toContain(i % 3 === 0 ? 'Beveiligingsgegevens' : 'Security info');
    }
  });

  it('not rendered where the console would show another page: a password to choose first, or no live session', async () => {
    const dan = await createUser(server.db, await createTenant(server.db));
    const client = await signedInClient(server, dan);
    await server.db.query('UPDATE users SET must_change_password = true WHERE id = $1', [dan.id]);
    expect(await pageLoad('/security-info', client.cookie!)).toEqual({ attributes: '', html: '' });
    expect(await pageLoad('/security-info', 'ap_session=not-a-session')).toEqual({ attributes: '', html: '' });
  });
});
