import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basic, checkBasic, createAppPassword, randomIp } from '../support/app-passwords.js';
import { createTenant, createUser } from '../support/factories.js';
import { findSecrets, recordSecret, scanForLeaks, serverLogFile } from '../support/secrets.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

/**
 * The end of every run scans all server logs for every secret the tests made
 * (support/global-setup.ts). These tests show that scan can fail: a server
 * that logs a secret is caught, in any of the forms a secret travels in.
 * They use a directory of their own, so the planted secrets never fail the
 * real run.
 */
let dir: string;
let server: TestServer;
beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'app-passwords-leak-check-'));
  server = await startTestServer({ trustedProxies: ['127.0.0.1'], logFile: serverLogFile(dir) });
});
afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the scan of server logs for secrets', () => {
  it('finds an app password a server logged by mistake, in a log file full of ordinary lines', async () => {
    const tenant = await createTenant(server.db);
    const user = await createUser(server.db, tenant);
    const appPassword = await createAppPassword(server, user);
    const authorization = basic(user.email, appPassword.password);
    expect((await checkBasic(server, authorization, { ip: randomIp() })).status).toBe(204);
    recordSecret(appPassword.password, dir);
    expect(scanForLeaks(dir).leaks).toEqual([]); // the server's own lines are clean

    // The mistake: a handler that logs the request's headers.
    server.logger.warn({ headers: { 'x-debug-authorization': authorization } }, 'weird request');
    server.logger.info(`the password is ${appPassword.password}`);
    recordSecret(authorization.split(' ')[1], dir);

    const { secrets, logLines, leaks } = scanForLeaks(dir);
    expect(secrets).toBe(2);
    expect(logLines).toBeGreaterThan(3);
    expect(leaks).toHaveLength(2);
    const lines = readFileSync(serverLogFile(dir), 'utf8').split('\n');
    expect(leaks.map((leak) => lines[leak.line - 1])).toEqual([
      expect.stringContaining(authorization.split(' ')[1]!),
      expect.stringContaining(appPassword.password),
    ]);
    // The report itself does not repeat the secret.
    expect(JSON.stringify(leaks)).not.toContain(appPassword.password);
    expect(JSON.stringify(leaks)).not.toContain(authorization.split(' ')[1]);
  });

  it('finds a secret as JSON escapes it, and anywhere in a line; ignores near misses', () => {
    const secret = 'pass"word\\with-quotes';
    const text = [
      JSON.stringify({ msg: 'ok' }),
      JSON.stringify({ input: { password: secret } }),
      `prefix${secret}suffix`,
      secret.slice(0, -1),
    ].join('\n');
    expect(findSecrets(text, [secret]).map((leak) => leak.line)).toEqual([2, 3]);
    expect(findSecrets(text, ['qmzkvtrhwbnejxyfdlsaopgcuiqt'])).toEqual([]);
  });
});
