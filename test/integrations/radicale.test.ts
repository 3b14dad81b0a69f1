/**
 * integrations/radicale/: Debian's Radicale 3.1.8 (CalDAV and CardDAV) behind
 * Debian's nginx, each run from the very file an operator copies (addresses
 * and the collections folder put in), with App Passwords checking, and real
 * curl as the sync app: PROPFIND, MKCALENDAR, PUT and GET as a calendar app
 * sends them, with `--user name:app-password`.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basic, createAppPassword, outcomesOf, randomSecret, signInEventsByIp, WWW_AUTHENTICATE } from '../support/app-passwords.js';
import { createTenant, createUser, type TestUser } from '../support/factories.js';
import { integrationFile, startNginx, trustedProxiesIn, withAddresses, type RunningProxy } from '../support/proxies.js';
import { startRadicale, type RunningRadicale } from '../support/radicale.js';
import { requirementPath } from '../support/requirements.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { DeleteAppPasswordDocument } from '@app-passwords/schema';

const SNIPPET = integrationFile('radicale/radicale.conf');
const CONFIG = integrationFile('radicale/config');

let server: TestServer;
let radicale: RunningRadicale;
let nginx: RunningProxy;

beforeAll(async () => {
  // App Passwords as the snippet tells the operator to configure it.
  server = await startTestServer({ trustedProxies: trustedProxiesIn(SNIPPET) });
  radicale = await startRadicale((address, collections) =>
    withAddresses(CONFIG, { '127.0.0.1:5232': address, '/var/lib/radicale/collections': collections }),
  );
  nginx = await startNginx(withAddresses(SNIPPET, { '127.0.0.1:4000': new URL(server.url).host, '127.0.0.1:5232': radicale.address }));
});
afterAll(async () => {
  await nginx?.stop();
  await radicale?.stop();
  await server?.close();
});

/** A client address of its own per test (all of 127/8 is loopback), never nginx's 127.0.0.1, nor the proxy suite's 127.0.0.N. */
let nextClient = 2;
const newClientAddress = () => `127.0.12.${nextClient++}`;

interface DavResponse {
  status: number;
  /** Lower-case names. */
  headers: Record<string, string>;
  body: string;
}

/**
 * curl, as a sync app: `method` on `path` of nginx from the address `from`,
 * with `--user name:password` when given. `-D -` puts the answer's head
 * before its body on stdout.
 */
function curl(
  from: string,
  method: string,
  urlPath: string,
  options: { user?: [string, string]; headers?: Record<string, string>; body?: string } = {},
): Promise<DavResponse> {
  const args = ['-sS', '--interface', from, '-X', method, '-D', '-', '-H', 'Expect:'];
  if (options.user) args.push('--user', options.user.join(':'));
  for (const [name, value] of Object.entries(options.headers ?? {})) args.push('-H', `${name}: ${value}`);
  if (options.body !== undefined) args.push('--data-binary', '@-');
  args.push(`${nginx.url}${urlPath}`);
  return new Promise((resolve, reject) => {
    const child = spawn(requirementPath('curl'), args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`curl ${method} ${urlPath} exited with ${code}: ${err}`));
      const end = out.indexOf('\r\n\r\n');
      const [statusLine, ...lines] = out.slice(0, end).split('\r\n');
      const headers: Record<string, string> = {};
      for (const line of lines) headers[line.slice(0, line.indexOf(':')).toLowerCase()] = line.slice(line.indexOf(':') + 1).trim();
      resolve({ status: Number(statusLine!.split(' ')[1]), headers, body: out.slice(end + 4) });
    });
    child.stdin.end(options.body ?? '');
  });
}

const XML = { 'Content-Type': 'application/xml; charset=utf-8' };
const PRINCIPAL = `<?xml version="1.0" encoding="utf-8"?>
<d:propfind xmlns:d="DAV:"><d:prop><d:current-user-principal/></d:prop></d:propfind>`;
const HOMES = `<?xml version="1.0" encoding="utf-8"?>
<d:propfind xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav" xmlns:card="urn:ietf:params:xml:ns:carddav">
  <d:prop><c:calendar-home-set/><card:addressbook-home-set/><d:resourcetype/></d:prop>
</d:propfind>`;

function event(uid: string, summary: string): string {
  return [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//App Passwords tests//EN',
    'BEGIN:VEVENT',
    `UID:${uid}`,
    'DTSTAMP:20260105T090000Z',
    'DTSTART:20260106T090000Z',
    'DTEND:20260106T093000Z',
    `SUMMARY:${summary}`,
    'END:VEVENT',
    'END:VCALENDAR',
    '',
  ].join('\r\n');
}

const ADDRESS_BOOK = `<?xml version="1.0" encoding="utf-8"?>
<d:mkcol xmlns:d="DAV:" xmlns:card="urn:ietf:params:xml:ns:carddav">
  <d:set><d:prop><d:resourcetype><d:collection/><card:addressbook/></d:resourcetype></d:prop></d:set>
</d:mkcol>`;

function contact(uid: string, name: string): string {
  return ['BEGIN:VCARD', 'VERSION:3.0', `UID:${uid}`, `FN:${name}`, `N:${name};;;;`, 'END:VCARD', ''].join('\r\n');
}

/** Where Radicale keeps an item of `user`'s collection. */
function stored(user: TestUser, collection: string, item: string): string {
  return path.join(radicale.collections, 'collection-root', user.email, collection, item);
}

/** The requests Radicale logged from here on (one "… request for '/path' received from …" line each). */
function radicaleRequests(): () => string[] {
  const before = radicale.log().length;
  return () =>
    [
      ...radicale
        .log()
        .slice(before)
        .matchAll(/^.*\] (\w+) request for '([^']*)'/gm),
    ].map((m) => `${m[1]} ${m[2]}`);
}

async function appUser() {
  const tenant = await createTenant(server.db);
  const user = await createUser(server.db, tenant);
  const appPassword = await createAppPassword(server, user, { name: 'Calendar' });
  // basic() records the header and the password, so the end of the run fails if either reached a log.
  basic(user.email, appPassword.password);
  return { user, appPassword, credentials: [user.email, appPassword.password] as [string, string], client: newClientAddress() };
}

function expectRefused(response: DavResponse) {
  expect(response.status).toBe(401);
  expect(response.headers['www-authenticate']).toBe(WWW_AUTHENTICATE);
}

const home = (user: TestUser) => `/radicale/${encodeURIComponent(user.email)}/`;

describe('integrations/radicale: Radicale behind nginx, signed in with app passwords', () => {
  it("syncs with a good app password: the principal is the sign-in name, and the event lands in that user's calendar", async () => {
    const { user, credentials, client } = await appUser();
    const seen = radicaleRequests();

    const principal = await curl(client, 'PROPFIND', '/radicale/', { user: credentials, headers: { ...XML, Depth: '0' }, body: PRINCIPAL });
    expect(principal.status).toBe(207);
    // Radicale knows it is mounted at /radicale (X-Script-Name) and who the user is (X-Remote-User).
    expect(principal.body).toContain(`<current-user-principal><href>${home(user)}</href>`);

    const homes = await curl(client, 'PROPFIND', home(user), { user: credentials, headers: { ...XML, Depth: '0' }, body: HOMES });
    expect(homes.status).toBe(207);
    expect(homes.body).toContain(`<C:calendar-home-set><href>${home(user)}</href>`);

    expect((await curl(client, 'MKCALENDAR', `${home(user)}work/`, { user: credentials })).status).toBe(201);
    const put = await curl(client, 'PUT', `${home(user)}work/standup.ics`, {
      user: credentials,
      headers: { 'Content-Type': 'text/calendar; charset=utf-8' },
      body: event('standup-1', 'Standup'),
    });
    expect(put.status).toBe(201);
    expect(put.headers.etag).toBeTruthy();

    const got = await curl(client, 'GET', `${home(user)}work/standup.ics`, { user: credentials });
    expect(got.status).toBe(200);
    expect(got.body).toContain('SUMMARY:Standup');
    expect(got.headers.etag).toBe(put.headers.etag);
    expect(readFileSync(stored(user, 'work', 'standup.ics'), 'utf8')).toContain('SUMMARY:Standup');

    expect(seen()).toEqual([
      'PROPFIND /',
      `PROPFIND /${user.email}/`,
      `MKCALENDAR /${user.email}/work/`,
      `PUT /${user.email}/work/standup.ics`,
      `GET /${user.email}/work/standup.ics`,
    ]);
    expect(radicale.log()).toContain(`Successful login: '${user.email}'`);
    // Each request was checked, from the client's own address.
    expect(outcomesOf(await signInEventsByIp(server, client))).toEqual(Array(5).fill('SUCCESS'));
  });

  it('syncs an address book through the same check (service caldav), as the README says', async () => {
    const { user, credentials, client } = await appUser();

    const created = await curl(client, 'MKCOL', `${home(user)}contacts/`, { user: credentials, headers: XML, body: ADDRESS_BOOK });
    expect(created.status).toBe(201);
    const put = await curl(client, 'PUT', `${home(user)}contacts/adele.vcf`, {
      user: credentials,
      headers: { 'Content-Type': 'text/vcard; charset=utf-8' },
      body: contact('adele-1', 'Adele Vance'),
    });
    expect(put.status).toBe(201);
    const got = await curl(client, 'GET', `${home(user)}contacts/adele.vcf`, { user: credentials });
    expect(got.status).toBe(200);
    expect(got.body).toContain('FN:Adele Vance');
    expect(readFileSync(stored(user, 'contacts', 'adele.vcf'), 'utf8')).toContain('FN:Adele Vance');
  });

  it('refuses a wrong and a missing app password with 401 and WWW-Authenticate, before Radicale', async () => {
    const { user, client } = await appUser();
    const seen = radicaleRequests();

    expectRefused(
      await curl(client, 'PROPFIND', home(user), { user: [user.email, randomSecret()], headers: { ...XML, Depth: '0' }, body: HOMES }),
    );
    // No Authorization at all: refused too, and not a sign-in attempt for the log.
    expectRefused(await curl(client, 'PROPFIND', home(user), { headers: { ...XML, Depth: '0' }, body: HOMES }));
    expectRefused(await curl(client, 'PUT', `${home(user)}work/x.ics`, { user: [user.email, randomSecret()], body: event('x-1', 'Nope') }));

    expect(seen()).toEqual([]);
    expect(existsSync(path.join(radicale.collections, 'collection-root', user.email))).toBe(false);
    expect(outcomesOf(await signInEventsByIp(server, client))).toEqual(['WRONG_PASSWORD', 'WRONG_PASSWORD']);
  });

  it("never lets a client name another user with X-Remote-User or X-Auth-User: Radicale's user is the one App Passwords checked", async () => {
    const victim = await appUser();
    const { user, credentials, client } = await appUser();
    // Another user, with a calendar of their own.
    expect((await curl(victim.client, 'MKCALENDAR', `${home(victim.user)}private/`, { user: victim.credentials })).status).toBe(201);
    const forged = { 'X-Remote-User': victim.user.email, 'X-Auth-User': victim.user.email, 'X-Script-Name': '/elsewhere' };

    // Without a password, the forged headers get nowhere.
    expectRefused(await curl(client, 'GET', `${home(victim.user)}private/`, { headers: forged }));

    // With their own good app password, the client is still themselves.
    const principal = await curl(client, 'PROPFIND', '/radicale/', {
      user: credentials,
      headers: { ...forged, ...XML, Depth: '0' },
      body: PRINCIPAL,
    });
    expect(principal.status).toBe(207);
    expect(principal.body).toContain(`<current-user-principal><href>${home(user)}</href>`);
    const intoVictims = await curl(client, 'PUT', `${home(victim.user)}private/planted.ics`, {
      user: credentials,
      headers: { ...forged, 'Content-Type': 'text/calendar' },
      body: event('planted-1', 'Planted'),
    });
    expect(intoVictims.status).toBe(403);
    expect(existsSync(stored(victim.user, 'private', 'planted.ics'))).toBe(false);
    const readVictims = await curl(client, 'PROPFIND', `${home(victim.user)}private/`, {
      user: credentials,
      headers: { ...forged, ...XML, Depth: '1' },
      body: HOMES,
    });
    expect(readVictims.status).toBe(403);
  });

  it('refuses an app password with only imap, or only carddav, at the CalDAV endpoint, before Radicale; one with only caldav syncs', async () => {
    const { user, appPassword, client } = await appUser();
    const seen = radicaleRequests();
    for (const services of [['imap'], ['carddav']]) {
      const other = await createAppPassword(server, user, { services, console: appPassword.console });
      expectRefused(
        await curl(client, 'PROPFIND', home(user), {
          user: [user.email, other.password],
          headers: { ...XML, Depth: '0' },
          body: HOMES,
        }),
      );
    }
    expect(seen()).toEqual([]);
    expect(outcomesOf(await signInEventsByIp(server, client))).toEqual(['SERVICE_NOT_ALLOWED', 'SERVICE_NOT_ALLOWED']);

    const calendarOnly = await createAppPassword(server, user, { services: ['caldav'], console: appPassword.console });
    const homes = await curl(client, 'PROPFIND', home(user), {
      user: [user.email, calendarOnly.password],
      headers: { ...XML, Depth: '0' },
      body: HOMES,
    });
    expect(homes.status).toBe(207);
  });

  it('refuses an app password on the request after it was deleted, before Radicale', async () => {
    const { user, appPassword, credentials, client } = await appUser();
    expect((await curl(client, 'PROPFIND', home(user), { user: credentials, headers: { ...XML, Depth: '0' }, body: HOMES })).status).toBe(
      207,
    );

    const deleted = await appPassword.console.request(DeleteAppPasswordDocument, { id: appPassword.id });
    expect(deleted.data?.deleteAppPassword).toEqual({ deletedId: appPassword.id });
    const seen = radicaleRequests();
    expectRefused(await curl(client, 'PROPFIND', home(user), { user: credentials, headers: { ...XML, Depth: '0' }, body: HOMES }));
    expect(seen()).toEqual([]);
    expect(outcomesOf(await signInEventsByIp(server, client))).toEqual(['SUCCESS', 'REVOKED']);
  });

  it('never hands Radicale the password: its debug log shows each request with X-Remote-User and without Authorization', async () => {
    const { user, appPassword, credentials, client } = await appUser();
    const before = radicale.log().length;
    expect((await curl(client, 'MKCALENDAR', `${home(user)}notes/`, { user: credentials })).status).toBe(201);

    const logged = radicale.log().slice(before);
    // Radicale logs the request's headers at debug level, passwords unmasked (support/radicale.ts).
    expect(logged).toContain('Request headers:');
    expect(logged).toContain(`'HTTP_X_REMOTE_USER': '${user.email}'`);
    expect(logged).toContain(`'HTTP_X_AUTH_APP_PASSWORD_ID': '${appPassword.id}'`);
    expect(logged).toContain(`'HTTP_X_FORWARDED_FOR': '${client}'`);
    expect(logged).not.toContain('HTTP_AUTHORIZATION');
    expect(logged).not.toContain(appPassword.password);
  });

  it('sends sync apps that look for /.well-known/caldav or /.well-known/carddav to /radicale/', async () => {
    const client = newClientAddress();
    for (const name of ['caldav', 'carddav']) {
      const response = await curl(client, 'GET', `/.well-known/${name}`);
      expect(response.status).toBe(301);
      expect(new URL(response.headers.location!, nginx.url).pathname).toBe('/radicale/');
    }
  });
});
