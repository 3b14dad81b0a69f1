import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createDataSource } from '../../server/src/db/data-source.js';
import {
  basic,
  checkBasic,
  createAppPassword,
  outcomesOf,
  randomIp,
  randomSecret,
  storedSignInEventsByIp,
} from '../support/app-passwords.js';
import { createAdmin, createTenant, createUser, signedInClient } from '../support/factories.js';
import { GraphQLClient } from '../support/graphql-client.js';
import { startServerProcess, stopServerProcesses, type ServerProcess } from '../support/server-process.js';
import { dataOf } from '../support/admin.js';
import { REVOKE_COUNT, VIEWER_ID } from '../support/operations.js';
import { SignOutDocument } from '@app-passwords/schema';
/**
 * Two instances as an operator deploys them: two `main.ts` processes behind
 * one load balancer (trusted at 127.0.0.1), over one PostgreSQL, with one
 * lookup key. Nothing is shared but the database.
 */
const LOOKUP_KEY = randomBytes(32);
let db: DataSource;
let a: ServerProcess;
let b: ServerProcess;
beforeAll(async () => {
  db = createDataSource(inject('databaseUrl'), 2);
  await db.initialize();
  const options = {
    databaseUrl: inject('databaseUrl'),
    lookupKey: LOOKUP_KEY.toString('hex'),
    env: { TRUSTED_PROXIES: '127.0.0.1' },
  };
  // Started together: both take the migration lock in turn and find nothing to do.
  [a, b] = await Promise.all([startServerProcess(options), startServerProcess(options)]);
});
afterAll(async () => {
  await stopServerProcesses();
  await db?.destroy();
});

/** Polls `read` until `done` holds, or fails after `timeoutMs` with the last value. */
async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('two server processes over one database', () => {
  it('signs in to the console on A, is signed in on B with the same cookie, and signing out on B ends it on A', async () => {
    const tenant = await createTenant(db);
    const user = await createUser(db, tenant);
    const onA = await signedInClient(a, user);
    const onB = new GraphQLClient(b.url);
    onB.cookie = onA.cookie;

    expect(dataOf(await onB.request(VIEWER_ID)).viewer).toEqual({ id: user.id });
    expect(dataOf(await onB.request(SignOutDocument)).signOut).toBe(true);
    expect(dataOf(await onA.request(VIEWER_ID)).viewer).toBeNull();
  });

  it('accepts on B an app password created on A; revoked on A, B refuses it at the very next request though it remembered it', async () => {
    const tenant = await createTenant(db);
    const admin = await createAdmin({ db, lookupKey: LOOKUP_KEY }, tenant);
    const user = await createUser(db, tenant);
    const appPassword = await createAppPassword(a, user);
    const authorization = basic(user.email, appPassword.password);
    const ip = randomIp();

    const first = await checkBasic(b, authorization, { ip });
    expect(first.status).toBe(204);
    expect(first.headers.get('x-auth-app-password-id')).toBe(appPassword.id);
    expect((await checkBasic(b, authorization, { ip })).status).toBe(204);

    const revoked = await (
      await signedInClient({ url: a.url, db }, admin)
    ).request(REVOKE_COUNT, {
      input: { userIds: [user.id], reason: 'Phone lost' },
    });
    expect(dataOf(revoked).revokeAppPasswords).toEqual({ count: 1 });

    expect((await checkBasic(b, authorization, { ip })).status).toBe(401);
    // B answered from what it remembered, confirmed in PostgreSQL: a cold check would log WRONG_PASSWORD.
    const rows = await eventually(
      () => storedSignInEventsByIp(db, ip),
      (r) => outcomesOf(r).length >= 3,
    );
    expect(outcomesOf(rows)).toEqual(['SUCCESS', 'SUCCESS', 'REVOKED']);
    expect((await checkBasic(a, authorization, { ip })).status).toBe(401);

    for (const server of [a, b]) {
      expect(server.output()).not.toContain(appPassword.password);
      expect(server.output()).not.toContain(user.password);
    }
  });

  it('counts failures on A and B against one limit: 5 + 5 wrong from one IP block that name there on both', async () => {
    const tenant = await createTenant(db);
    const user = await createUser(db, tenant);
    const appPassword = await createAppPassword(a, user);
    const ip = randomIp();

    for (let i = 0; i < 10; i++) {
      const refused = await checkBasic(i % 2 === 0 ? a : b, basic(user.email, randomSecret()), { ip });
      expect([refused.status, refused.headers.get('retry-after')]).toEqual([401, null]);
    }
    for (const server of [a, b]) {
      const blocked = await checkBasic(server, basic(user.email, appPassword.password), { ip });
      expect(blocked.status).toBe(401);
      expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    }
    // The limit is per sign-in name and IP: the same app from elsewhere still gets in.
    expect((await checkBasic(b, basic(user.email, appPassword.password), { ip: randomIp() })).status).toBe(204);
  });
});
