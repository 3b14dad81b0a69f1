import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { describe, expect, inject, it } from 'vitest';
import { basic, createAppPassword } from '../support/app-passwords.js';
import { createTenant, createUser } from '../support/factories.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

/** GET on `agent`'s keep-alive connection; resolves with the status and that connection's socket. */
function get(url: string, agent: http.Agent, headers: http.OutgoingHttpHeaders = {}) {
  return new Promise<{ status: number; socket: Socket }>((resolve, reject) => {
    const request = http.get(url, { agent, headers }, (response) => {
      response.resume();
      response.on('end', () => resolve({ status: response.statusCode!, socket: request.socket! }));
    });
    request.on('error', reject);
  });
}

const closeOf = (socket: Socket) => new Promise<void>((resolve) => (socket.destroyed ? resolve() : socket.once('close', () => resolve())));

/** Waits until the server has started on exactly one app-password check. */
async function untilOneCheckInFlight(server: TestServer): Promise<void> {
  const signIn = server.app.services.appPasswordSignIn;
  for (let i = 0; i < 1000 && signIn.checksInFlight === 0; i++) await sleep(5);
  expect(signIn.checksInFlight).toBe(1);
}

describe('graceful shutdown', () => {
  it('lets a check in flight answer, closes keep-alive connections instead of waiting for them, and takes no new ones', async () => {
    const server = await startTestServer();
    const tenant = await createTenant(server.db);
    const user = await createUser(server.db, tenant);
    const appPassword = await createAppPassword(server, user);
    // Keep-alive connections that would otherwise stay open until the grace period (10 s) cuts them.
    server.app.server.keepAliveTimeout = 0;

    const idle = await get(`${server.url}/healthz`, new http.Agent({ keepAlive: true }));
    expect(idle.status).toBe(200);
    const idleClosed = closeOf(idle.socket);

    // A cold check (argon2) still under way when shutdown starts.
    const busyAgent = new http.Agent({ keepAlive: true });
    const inFlight = get(`${server.url}/auth/basic`, busyAgent, { authorization: basic(user.email, appPassword.password) });
    await untilOneCheckInFlight(server);

    const closing = server.close();
    const answered = await inFlight;
    expect(answered.status).toBe(204);
    await closing; // a hang until the grace period's cut (10 s) fails this test by its timeout (below)
    await Promise.all([idleClosed, closeOf(answered.socket)]);

    await expect(get(`${server.url}/healthz`, new http.Agent())).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    expect(server.problems()).toEqual([]);
  }, 8_000);

  it('finishes an app-password check whose client already left: its last use and sign-in log entry are written before the pool closes', async () => {
    const server = await startTestServer();
    const tenant = await createTenant(server.db);
    const user = await createUser(server.db, tenant);
    const appPassword = await createAppPassword(server, user);
    const userAgent = `shutdown-${randomUUID()}`;

    // A cold check (argon2 runs) from a client that gives up as soon as the server has started on it, so the HTTP drain does not wait for it.
    const request = http.request(`${server.url}/auth/basic`, {
      headers: { authorization: basic(user.email, appPassword.password), 'user-agent': userAgent },
    });
    request.on('error', () => undefined);
    request.end();
    await untilOneCheckInFlight(server);
    request.destroy();

    await server.close(); // what SIGTERM does: app.close(), then the pool

    const db = new pg.Client(inject('databaseUrl'));
    await db.connect();
    try {
      const { rows: used } = await db.query('SELECT last_used_at FROM app_passwords WHERE id = $1', [appPassword.id]);
      expect(used[0].last_used_at).not.toBeNull();
      const { rows: events } = await db.query('SELECT outcome FROM sign_in_events WHERE user_agent = $1', [userAgent]);
      expect(events.map((e) => e.outcome)).toEqual(['SUCCESS']);
    } finally {
      await db.end();
    }
    expect(server.problems()).toEqual([]);
  });
});
