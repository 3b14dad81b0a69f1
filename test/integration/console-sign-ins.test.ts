import { describe, expect, it } from 'vitest';
import {
  ChangePasswordDocument,
  CompleteSignInDocument,
  ReauthenticateDocument,
  SignInDocument,
  SignInEntriesDocument,
  ViewerDocument,
  ViewerSignInsDocument,
} from '@app-passwords/schema';
import { adminTenant, dataOf, documentationIp, getWith } from '../support/admin.js';
import { basic, checkBasic, createAppPassword, graphqlWithAuthorization, randomSecret } from '../support/app-passwords.js';
import { createUser, signedInClient } from '../support/factories.js';
import { GraphQLClient } from '../support/graphql-client.js';
import { testServerForFile } from '../support/test-server.js';
import { enrollTwoStep, forgetLastCode, totpCode } from '../support/two-step.js';

/** Trusts 127.0.0.1 as a proxy: each test's sign-ins come from its own address. */
const server = testServerForFile({ trustedProxies: ['127.0.0.1'] });

type Entry = { outcome: string; method: string; appPasswordName: string | null; clientIp: string | null };
const entries = (nodes: Entry[]) => nodes.map((n) => [n.method, n.outcome]);

describe('console sign-ins in the sign-in log', () => {
  it('records every step, right and wrong: the password, the code, a recovery code, entering the password again, throttling', async () => {
    const { tenant, console: admin } = await adminTenant(server);
    const user = await createUser(server.db, tenant);
    const ip = documentationIp();
    const setup = await signedInClient(server, user, { ip });
    const twoStep = await enrollTwoStep(setup);
    await server.app.services.signInLog.flush();
    const { signInEntries } = dataOf(await admin.request(SignInEntriesDocument, { filter: { userId: user.id }, first: 200 }));
    const before = signInEntries.edges.length;

    const client = new GraphQLClient(server.url);
    client.headers['x-forwarded-for'] = ip;
    expect(GraphQLClient.code(await client.request(SignInDocument, { input: { email: user.email, password: 'not-the-password' } }))).toBe(
      'UNAUTHENTICATED',
    );
    await client.request(SignInDocument, { input: { email: user.email, password: user.password } });
    expect(GraphQLClient.code(await client.request(CompleteSignInDocument, { input: { code: '000000' } }))).toBe('UNAUTHENTICATED');
    expect(GraphQLClient.code(await client.request(CompleteSignInDocument, { input: { code: 'zzzz-zzzz-zzzz' } }))).toBe('UNAUTHENTICATED');
    await forgetLastCode(server.db, user.id);
    expect((await client.request(CompleteSignInDocument, { input: { code: totpCode(twoStep.secret) } })).errors).toBeUndefined();
    expect(GraphQLClient.code(await client.request(ReauthenticateDocument, { input: { password: 'not-the-password-either' } }))).toBe(
      'UNAUTHENTICATED',
    );
    expect((await client.request(ReauthenticateDocument, { input: { password: user.password } })).errors).toBeUndefined();
    // An unknown name is logged too, with no user.
    const stranger = `nobody-${randomSecret()}@example.test`;
    await client.request(SignInDocument, { input: { email: stranger, password: 'whatever-it-is' } });
    await server.app.services.signInLog.flush();

    const list = async (filter: Record<string, unknown>): Promise<Entry[]> =>
      dataOf(await admin.request(SignInEntriesDocument, { filter, first: 200 })).signInEntries.edges.map((e: { node: Entry }) => e.node);
    const all = await list({ userId: user.id });
    const mine = all.slice(0, all.length - before).reverse();
    expect(entries(mine)).toEqual([
      ['PASSWORD', 'WRONG_PASSWORD'],
      ['PASSWORD', 'SUCCESS'],
      ['TWO_STEP_CODE', 'WRONG_CODE'],
      ['RECOVERY_CODE', 'WRONG_CODE'],
      ['TWO_STEP_CODE', 'SUCCESS'],
      ['PASSWORD', 'WRONG_PASSWORD'],
      ['PASSWORD', 'SUCCESS'],
    ]);
    expect(mine.every((e) => e.clientIp === ip)).toBe(true);
    // Filtered by method, in GraphQL and in the CSV export.
    expect(entries(await list({ userId: user.id, method: 'TWO_STEP_CODE' }))).toEqual([
      ['TWO_STEP_CODE', 'SUCCESS'],
      ['TWO_STEP_CODE', 'WRONG_CODE'],
    ]);
    const csv = await (
      await getWith(server, `/export/sign-ins.csv?userId=${user.id}&method=RECOVERY_CODE`, { cookie: admin.cookie })
    ).text();
    expect(csv.trim().split('\n')).toHaveLength(2);
    expect(csv).toMatch(/,"?WRONG_CODE"?,"?RECOVERY_CODE"?,/);
    // The unknown name is in no tenant's log: nobody's admin sees it.
    expect((await list({})).some((e: Entry & { signInName?: string }) => e.signInName === stranger)).toBe(false);
  });

  it('records console throttling as THROTTLED, without checking the password', async () => {
    const { tenant, console: admin } = await adminTenant(server);
    const user = await createUser(server.db, tenant);
    const client = new GraphQLClient(server.url);
    client.headers['x-forwarded-for'] = documentationIp();
    for (let i = 0; i < 10; i++) await client.request(SignInDocument, { input: { email: user.email, password: `wrong-${i}-password` } });
    expect(GraphQLClient.code(await client.request(SignInDocument, { input: { email: user.email, password: user.password } }))).toBe(
      'RATE_LIMITED',
    );
    await server.app.services.signInLog.flush();
    const nodes: Array<Entry & { attempts: number }> = dataOf(
      await admin.request(SignInEntriesDocument, { filter: { userId: user.id, method: 'PASSWORD' } }),
    ).signInEntries.edges.map((e: { node: Entry & { attempts: number } }) => e.node);
    // Newest first; identical attempts may be one entry or a few (the log is written once a second).
    expect(nodes[0]).toMatchObject({ outcome: 'THROTTLED', attempts: 1 });
    expect(nodes.slice(1).every((n) => n.outcome === 'WRONG_PASSWORD')).toBe(true);
    expect(nodes.slice(1).reduce((sum, n) => sum + n.attempts, 0)).toBe(10);
  });
});

describe('entering the password again', () => {
  it('is throttled like a sign-in: after 10 wrong passwords even the right one waits, and the session stays as it was', async () => {
    const { tenant } = await adminTenant(server);
    const user = await createUser(server.db, tenant);
    const client = await signedInClient(server, user, { ip: documentationIp() });
    for (let i = 0; i < 10; i++) {
      expect(GraphQLClient.code(await client.request(ReauthenticateDocument, { input: { password: `wrong-${i}-password` } }))).toBe(
        'UNAUTHENTICATED',
      );
    }
    const throttled = await client.request(ReauthenticateDocument, { input: { password: user.password } });
    expect(GraphQLClient.code(throttled)).toBe('RATE_LIMITED');
    expect(throttled.errors?.[0]?.extensions?.retryAfterSeconds).toBeGreaterThan(0);
    // Still signed in: a stolen session guesses no further, and the user is not thrown out.
    expect((await client.request(ViewerDocument)).data?.viewer?.id).toBe(user.id);
  });
});

describe('changing the password', () => {
  it('logs the check of the current password like a sign-in, right and wrong', async () => {
    const { tenant, console: admin } = await adminTenant(server);
    const user = await createUser(server.db, tenant);
    const client = await signedInClient(server, user, { ip: documentationIp() });
    const change = (currentPassword: string) =>
      client.request(ChangePasswordDocument, { input: { currentPassword, newPassword: `a new password ${randomSecret()}` } });
    expect(GraphQLClient.code(await change('not the current password'))).toBe('BAD_USER_INPUT');
    expect((await change(user.password)).errors).toBeUndefined();
    await server.app.services.signInLog.flush();
    const nodes = dataOf(await admin.request(SignInEntriesDocument, { filter: { userId: user.id, method: 'PASSWORD' } })).signInEntries
      .edges;
    // Newest first: the right current password, the wrong one, then the sign-in itself.
    expect(nodes.map((e: { node: Entry }) => e.node.outcome)).toEqual(['SUCCESS', 'WRONG_PASSWORD', 'SUCCESS']);
  });
});

describe("a user's own sign-ins (viewer.signIns)", () => {
  it('shows the console sign-ins and every check of their app passwords, failures included, newest first, paged', async () => {
    const { tenant } = await adminTenant(server);
    const user = await createUser(server.db, tenant);
    const colleague = await createUser(server.db, tenant);
    const ip = documentationIp();
    const console = await signedInClient(server, user, { ip });
    const printer = await createAppPassword(server, user, { console, name: 'Printer' });
    const colleagues = await createAppPassword(server, colleague, { name: 'Not yours' });
    expect((await checkBasic(server, basic(user.email, printer.password), { ip })).status).toBe(204);
    expect((await checkBasic(server, basic(user.email, randomSecret()), { ip })).status).toBe(401);
    expect((await checkBasic(server, basic(colleague.email, colleagues.password), { ip })).status).toBe(204);
    await server.app.services.signInLog.flush();

    const page = async (after?: string | null) => dataOf(await console.request(ViewerSignInsDocument, { first: 2, after })).viewer!.signIns;
    const first = await page();
    const second = await page(first.pageInfo.endCursor);
    const seen = [...first.edges, ...second.edges].map((e: { node: Entry }) => e.node);
    expect(seen.map((n) => [n.method, n.outcome, n.appPasswordName])).toEqual([
      ['APP_PASSWORD', 'WRONG_PASSWORD', null],
      ['APP_PASSWORD', 'SUCCESS', 'Printer'],
      ['PASSWORD', 'SUCCESS', null],
    ]);
    expect(second.pageInfo.hasNextPage).toBe(false);
    expect(seen.every((n) => n.clientIp === ip)).toBe(true);
  });

  it('over Basic, an app sees only the checks of its own app password', async () => {
    const { tenant } = await adminTenant(server);
    const user = await createUser(server.db, tenant);
    const ip = documentationIp();
    const laptop = await createAppPassword(server, user, { name: 'Laptop' });
    const phone = await createAppPassword(server, user, { console: laptop.console, name: 'Phone' });
    expect((await checkBasic(server, basic(user.email, phone.password), { ip })).status).toBe(204);
    expect((await checkBasic(server, basic(user.email, laptop.password), { ip })).status).toBe(204);
    await server.app.services.signInLog.flush();

    const asLaptop = await graphqlWithAuthorization(
      server,
      basic(user.email, laptop.password),
      ViewerSignInsDocument,
      { first: 50 },
      { ip },
    );
    const names = dataOf(asLaptop).viewer.signIns.edges.map((e: { node: Entry }) => e.node.appPasswordName);
    expect(names.length).toBeGreaterThan(0);
    expect(new Set(names)).toEqual(new Set(['Laptop']));
  });
});
