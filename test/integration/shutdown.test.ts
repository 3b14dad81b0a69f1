import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { describe, expect, inject, it } from 'vitest';
import { basic, createAppPassword } from '../support/app-passwords.js';
import { createTenant, createUser } from '../support/factories.js';
import { startTestServer } from '../support/test-server.js';

describe('graceful shutdown', () => {
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
    const signIn = server.app.services.appPasswordSignIn;
    for (let i = 0; i < 1000 && signIn.checksInFlight === 0; i++) await sleep(5);
    expect(signIn.checksInFlight).toBe(1);
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
