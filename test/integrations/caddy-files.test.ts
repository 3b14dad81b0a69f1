/**
 * integrations/caddy/files.Caddyfile: Debian's Caddy 2.6 serving a folder
 * (file_server) behind forward_auth to App Passwords, run from the very block
 * an operator copies with the site address, App Passwords' address and the
 * folder put in. Debian's Caddy has no WebDAV module: the folder is read
 * over HTTP, as a WebDAV drive reads it.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basic, createAppPassword, outcomesOf, randomSecret, signInEventsByIp, WWW_AUTHENTICATE } from '../support/app-passwords.js';
import { createTenant, createUser } from '../support/factories.js';
import {
  integrationFile,
  requestFrom,
  startCaddy,
  trustedProxiesIn,
  withAddresses,
  type ProxiedResponse,
  type RunningProxy,
} from '../support/proxies.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { DeleteAppPasswordDocument } from '@app-passwords/schema';

const SITE = integrationFile('caddy/files.Caddyfile');
const NOTES = 'Printer firmware 4.2 is in firmware/.\n';

let server: TestServer;
let folder: string;
let caddy: RunningProxy;

beforeAll(async () => {
  // App Passwords as the block tells the operator to configure it.
  server = await startTestServer({ trustedProxies: trustedProxiesIn(SITE) });
  folder = mkdtempSync(path.join(tmpdir(), 'app-passwords-files-'));
  writeFileSync(path.join(folder, 'notes.txt'), NOTES);
  mkdirSync(path.join(folder, 'firmware'));
  writeFileSync(path.join(folder, 'firmware', 'printer-4.2.bin'), 'firmware bytes');
  caddy = await startCaddy((port) =>
    withAddresses(SITE, {
      'files.example.com': `http://127.0.0.1:${port}`,
      '127.0.0.1:4000': new URL(server.url).host,
      '/srv/files': folder,
    }),
  );
});
afterAll(async () => {
  await caddy?.stop();
  await server?.close();
  if (folder) rmSync(folder, { recursive: true, force: true });
});

/** A client address of its own per test, never Caddy's 127.0.0.1 nor another file's. */
let nextClient = 2;
const newClientAddress = () => `127.0.13.${nextClient++}`;

async function appUser() {
  const tenant = await createTenant(server.db);
  const user = await createUser(server.db, tenant);
  const appPassword = await createAppPassword(server, user, { name: 'File browser' });
  return { user, appPassword, authorization: basic(user.email, appPassword.password), client: newClientAddress() };
}

function get(client: string, urlPath: string, headers: Record<string, string> = {}, method = 'GET'): Promise<ProxiedResponse> {
  return requestFrom(client, `${caddy.url}${urlPath}`, { method, headers });
}

function expectRefused(response: ProxiedResponse) {
  expect(response.status).toBe(401);
  expect(response.headers['www-authenticate']).toBe(WWW_AUTHENTICATE);
  expect(response.body).not.toContain('firmware');
}

describe('integrations/caddy/files.Caddyfile: a folder behind forward_auth', () => {
  it('serves files and listings to a good app password, and answers writes with 405 (no WebDAV module in Caddy 2.6)', async () => {
    const { authorization, client } = await appUser();

    const notes = await get(client, '/notes.txt', { authorization });
    expect(notes.status).toBe(200);
    expect(notes.body).toBe(NOTES);
    const listing = await get(client, '/firmware/', { authorization, accept: 'application/json' });
    expect(listing.status).toBe(200);
    expect((JSON.parse(listing.body) as { name: string }[]).map((entry) => entry.name)).toEqual(['printer-4.2.bin']);
    expect((await get(client, '/notes.txt', { authorization }, 'HEAD')).status).toBe(200);

    // Read only: Caddy 2.6 has no WebDAV module, and the block says so to apps that write or PROPFIND.
    for (const method of ['PUT', 'DELETE', 'PROPFIND'])
      expect((await get(client, '/notes.txt', { authorization }, method)).status).toBe(405);
    expect(readFileSync(path.join(folder, 'notes.txt'), 'utf8')).toBe(NOTES);
    expect(outcomesOf(await signInEventsByIp(server, client))).toEqual(Array(6).fill('SUCCESS'));
  });

  it('refuses an app password without the service webdav, even when the request names another service in its query', async () => {
    const { user, appPassword, client } = await appUser();
    const mailOnly = await createAppPassword(server, user, { services: ['imap'], console: appPassword.console });
    const authorization = basic(user.email, mailOnly.password);

    expectRefused(await get(client, '/notes.txt', { authorization }));
    expectRefused(await get(client, '/notes.txt?service=imap', { authorization }));
    expect(outcomesOf(await signInEventsByIp(server, client))).toEqual(['SERVICE_NOT_ALLOWED', 'SERVICE_NOT_ALLOWED']);
  });

  it('refuses a wrong, a missing and a deleted app password with 401 and WWW-Authenticate, and shows them nothing', async () => {
    const { user, appPassword, authorization, client } = await appUser();

    expectRefused(await get(client, '/notes.txt', { authorization: basic(user.email, randomSecret()) }));
    expectRefused(await get(client, '/notes.txt'));
    expectRefused(await get(client, '/firmware/', { authorization: basic(user.email, randomSecret()) }));

    expect((await get(client, '/notes.txt', { authorization })).status).toBe(200);
    const deleted = await appPassword.console.request(DeleteAppPasswordDocument, { id: appPassword.id });
    expect(deleted.data?.deleteAppPassword).toEqual({ deletedId: appPassword.id });
    expectRefused(await get(client, '/notes.txt', { authorization }));
    expect(outcomesOf(await signInEventsByIp(server, client))).toEqual(['WRONG_PASSWORD', 'WRONG_PASSWORD', 'SUCCESS', 'REVOKED']);
  });
});
