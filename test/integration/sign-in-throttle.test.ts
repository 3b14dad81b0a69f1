import { describe, expect, it } from 'vitest';
import {
  basic,
  checkBasic,
  graphqlWithAuthorization,
  mapLimit,
  randomIp,
  randomSecret,
  outcomesOf,
  ownerOfAppPassword,
  signInEventsByIp,
  throttleRow,
  type CheckResponse,
} from '../support/app-passwords.js';
import { signedInClient } from '../support/factories.js';
import { GraphQLClient } from '../support/graphql-client.js';
import { startTestServer, testServerForFile, type TestServer } from '../support/test-server.js';
import { VIEWER_ID } from '../support/operations.js';
/**
 * Every request carries its own X-Forwarded-For address (the server trusts
 * 127.0.0.1 as a proxy), so counters are per test: no test can push the
 * shared per-IP counter of 127.0.0.1.
 */
const server = testServerForFile({ trustedProxies: ['127.0.0.1'] });

const userWithAppPassword = (on: TestServer = server) => ownerOfAppPassword(on);

const nameAndIpKey = (email: string, ip: string) => `name+ip:${email.toLowerCase()}|${ip}`;

/** Sends `count` wrong app passwords for `email` from `ip`, one after another. */
async function failures(email: string, ip: string, count: number, on: TestServer = server): Promise<CheckResponse[]> {
  const responses: CheckResponse[] = [];
  for (let i = 0; i < count; i++) responses.push(await checkBasic(on, basic(email, randomSecret()), { ip }));
  return responses;
}

function expectPlainRefusals(responses: CheckResponse[]) {
  expect(responses.map((r) => [r.status, r.headers.get('retry-after')])).toEqual(responses.map(() => [401, null]));
}

function retryAfter(response: CheckResponse): number {
  expect(response.status).toBe(401);
  return Number(response.headers.get('retry-after'));
}

describe('throttling failed app-password sign-ins', () => {
  it('blocks a sign-in name from one IP after 10 failures, even for the right password, and nowhere else', async () => {
    const { user, authorization } = await userWithAppPassword();
    const ip = randomIp();

    expectPlainRefusals(await failures(user.email, ip, 10));
    const blocked = await checkBasic(server, authorization, { ip });
    expect(retryAfter(blocked)).toBeGreaterThan(0);
    expect(blocked.headers.get('x-auth-user')).toBeNull();

    const graphql = await graphqlWithAuthorization(server, authorization, VIEWER_ID, undefined, { ip });
    expect(graphql.status).toBe(429);
    expect(GraphQLClient.code(graphql)).toBe('RATE_LIMITED');
    expect(graphql.errors?.[0]?.extensions?.retryAfterSeconds).toBeGreaterThan(0);
    expect(Number(graphql.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(graphql.data ?? null).toBeNull();

    // Per name and IP: the same name from elsewhere still signs in.
    expect((await checkBasic(server, authorization, { ip: randomIp() })).status).toBe(204);

    const events = await signInEventsByIp(server, ip);
    expect(outcomesOf(events)).toEqual([...Array<string>(10).fill('WRONG_PASSWORD'), 'THROTTLED', 'THROTTLED']);
  });

  it('lets the right password in once the block is over, and a success resets the count', async () => {
    const { user, authorization } = await userWithAppPassword();
    const ip = randomIp();
    await failures(user.email, ip, 10);
    expect(retryAfter(await checkBasic(server, authorization, { ip }))).toBeGreaterThan(0);

    await server.db.query(
      `UPDATE sign_in_throttles SET blocked_until = now() - interval '1 second' WHERE key LIKE $1 AND blocked_until IS NOT NULL`,
      [`%${user.email}%`],
    );
    expect((await checkBasic(server, authorization, { ip })).status).toBe(204);
    expect(await throttleRow(server.db, nameAndIpKey(user.email, ip))).toMatchObject({ failures: 0 });

    // A full allowance of 10 failures again before the next block.
    expectPlainRefusals(await failures(user.email, ip, 10));
    expect(retryAfter((await failures(user.email, ip, 1))[0]!)).toBeGreaterThan(0);
  });

  it('does not count attempts refused while blocked, so one IP cannot stop a name everywhere', async () => {
    const { user } = await userWithAppPassword();
    const ip = randomIp();
    await failures(user.email, ip, 11); // ten failures, then the eleventh starts the block
    const nameKey = `name:${user.email.toLowerCase()}`;
    const before = await throttleRow(server.db, nameKey);
    const refused = await failures(user.email, ip, 30);
    expect(refused.every((r) => r.status === 401 && Number(r.headers.get('retry-after')) > 0)).toBe(true);
    expect((await throttleRow(server.db, nameKey))?.failures).toBe(before?.failures);
    expect((await throttleRow(server.db, nameAndIpKey(user.email, ip)))?.blocks).toBe(1);
  });

  it('never counts successful sign-ins', async () => {
    const cold = await startTestServer({ trustedProxies: ['127.0.0.1'], appPasswordCacheTtlSeconds: 0 });
    try {
      const { user, authorization } = await userWithAppPassword(cold);
      const ip = randomIp();
      const before = cold.app.services.appPasswordSignIn.stats.argon2Verifications;
      const statuses: number[] = [];
      for (let i = 0; i < 30; i++) statuses.push((await checkBasic(cold, authorization, { ip })).status);
      expect(statuses).toEqual(Array<number>(30).fill(204));
      // Every one was a cold check that went through the throttle and argon2.
      expect(cold.app.services.appPasswordSignIn.stats.argon2Verifications - before).toBe(30);
      expect(await throttleRow(cold.db, nameAndIpKey(user.email, ip))).toMatchObject({ failures: 0 });
      expectPlainRefusals(await failures(user.email, ip, 10, cold));
    } finally {
      await cold.close();
    }
  });

  it('blocks for twice as long the second time', async () => {
    const { user } = await userWithAppPassword();
    const ip = randomIp();
    const key = nameAndIpKey(user.email, ip);

    await failures(user.email, ip, 10);
    const firstRetryAfter = retryAfter((await failures(user.email, ip, 1))[0]!);
    const first = await throttleRow(server.db, key);

    await server.db.query(`UPDATE sign_in_throttles SET blocked_until = now() - interval '1 second' WHERE key = $1`, [key]);
    expectPlainRefusals(await failures(user.email, ip, 10));
    const secondRetryAfter = retryAfter((await failures(user.email, ip, 1))[0]!);
    const second = await throttleRow(server.db, key);

    expect(first!.blocked_for_seconds).toBeGreaterThan(14 * 60);
    expect(first!.blocked_for_seconds).toBeLessThanOrEqual(15 * 60);
    expect(second!.blocked_for_seconds).toBeGreaterThan(29 * 60);
    expect(second!.blocked_for_seconds).toBeLessThanOrEqual(30 * 60);
    expect(secondRetryAfter).toBeGreaterThan(firstRetryAfter);
    expect(second!.blocks).toBe(2);
  });

  it('stops a name after 100 failures in a row from any number of unknown IPs for an hour, never for good; a console sign-in lifts it', async () => {
    const { user, authorization } = await userWithAppPassword();
    const ips = Array.from({ length: 100 }, () => randomIp());

    const spread = await mapLimit(ips, 5, (ip) => checkBasic(server, basic(user.email, randomSecret()), { ip }));
    expectPlainRefusals(spread);

    // Each IP failed once, yet the right password from a fresh IP is refused: the name itself is stopped.
    const blocked = await checkBasic(server, authorization, { ip: randomIp() });
    expect(retryAfter(blocked)).toBeGreaterThan(0);
    const row = await throttleRow(server.db, `name:${user.email}`);
    expect(row).toMatchObject({ blocked_forever: false });
    expect(row!.blocked_for_seconds).toBeGreaterThan(59 * 60);
    expect(row!.blocked_for_seconds).toBeLessThanOrEqual(60 * 60);
    const graphql = await graphqlWithAuthorization(server, authorization, VIEWER_ID, undefined, { ip: randomIp() });
    expect(GraphQLClient.code(graphql)).toBe('RATE_LIMITED');

    // Signing in to the console with the primary password proves the user is there.
    await signedInClient(server, user);
    expect(await throttleRow(server.db, `name:${user.email}`)).toBeUndefined();
    expect((await checkBasic(server, authorization, { ip: randomIp() })).status).toBe(204);
  });

  it('lets exactly 10 of 200 parallel attempts reach argon2 across two instances', async () => {
    const other = await startTestServer({ lookupKey: server.lookupKey, trustedProxies: ['127.0.0.1'] });
    try {
      const { user } = await userWithAppPassword();
      const ip = randomIp();
      const instances = [server, other];
      const before = instances.map((s) => s.app.services.appPasswordSignIn.stats.argon2Verifications);

      const responses = await Promise.all(
        Array.from({ length: 200 }, (_, i) => checkBasic(instances[i % 2]!, basic(user.email, randomSecret()), { ip })),
      );

      const verified = instances.reduce((sum, s, i) => sum + s.app.services.appPasswordSignIn.stats.argon2Verifications - before[i]!, 0);
      expect(verified).toBe(10);
      const statuses: Record<string, number> = {};
      for (const r of responses) statuses[r.status] = (statuses[r.status] ?? 0) + 1;
      // The server's own account of any 5xx, so a failure explains itself.
      const errors = [...new Set([...server.problems(), ...other.problems()])];
      expect({ statuses, errors }).toEqual({ statuses: { 401: 200 }, errors: [] });
      expect(responses.filter((r) => r.headers.get('retry-after') !== null)).toHaveLength(190);

      const row = await throttleRow(server.db, nameAndIpKey(user.email, ip));
      expect(row!.blocks).toBe(1);
      expect(row!.blocked_for_seconds).toBeGreaterThan(0);
    } finally {
      await other.close();
    }
  }, 60_000);
});
