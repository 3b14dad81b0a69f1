import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { keyId } from '../../server/src/common/server-keys.js';
import { createAppPassword } from '../support/app-passwords.js';
import { createTenant, insertAppPasswords, createUser, signedInClient } from '../support/factories.js';
import { GraphQLClient } from '../support/graphql-client.js';
import { recordSecret } from '../support/secrets.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { giveTwoStep } from '../support/two-step.js';
import { SignInDocument, ViewerDocument } from '@app-passwords/schema';

const SERVER_DIR = fileURLToPath(new URL('../../server', import.meta.url));
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const PASSWORD = `correct horse ${randomBytes(6).toString('hex')}`;

interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

let server: TestServer;
let dataDir: string;
beforeAll(async () => {
  server = await startTestServer();
  dataDir = await mkdtemp(path.join(tmpdir(), 'app-passwords-cli-'));
});
afterAll(async () => {
  await server?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

/** Runs the real CLI as an operator would, with `stdin` piped in (a pipe, never a terminal). */
function cli(args: string[], stdin = '', env: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', '@swc-node/register/esm-register', 'src/cli.ts', ...args], {
      cwd: SERVER_DIR,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        DATABASE_URL: inject('databaseUrl'),
        APP_PASSWORD_LOOKUP_KEY: randomBytes(32).toString('hex'),
        DATA_DIR: dataDir,
        ...env,
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

/** A failure an operator can read at a glance: non-zero, nothing on stdout, one line on stderr. */
function expectOneLineFailure(result: CliResult) {
  expect(result.code).not.toBe(0);
  expect(result.stdout).toBe('');
  expect(result.stderr.trim()).toMatch(/^error: \S.*$/);
}

function expectUsageFailure(result: CliResult) {
  expect(result.code).toBe(2);
  expect(`${result.stdout}${result.stderr}`).toContain('Usage:');
}

async function policyOf(tenantId: string) {
  const [policy] = await server.db.query(
    'SELECT app_passwords_enabled AS "appPasswordsEnabled", max_app_passwords_per_user AS "maxPerUser" FROM tenant_policies WHERE tenant_id = $1',
    [tenantId],
  );
  return policy;
}

async function auditOf(tenantId: string): Promise<Array<{ action: string; actor_type: string; details: any }>> {
  return server.db.query('SELECT action, actor_type, details FROM audit_events WHERE tenant_id = $1 ORDER BY id', [tenantId]);
}

describe('pnpm cli tenant create', { timeout: 30_000 }, () => {
  it('creates a tenant with app passwords off, prints its id, and audits it as the operator', async () => {
    const name = `Fabrikam ${randomUUID()}`;
    const result = await cli(['tenant', 'create', name]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const id = result.stdout.trim();
    expect(id).toMatch(UUID);

    const [tenant] = await server.db.query('SELECT name FROM tenants WHERE id = $1', [id]);
    expect(tenant).toEqual({ name });
    expect(await policyOf(id)).toMatchObject({ appPasswordsEnabled: false });
    expect(await auditOf(id)).toEqual([{ action: 'tenant.created', actor_type: 'operator', details: { name } }]);
  });

  it('refuses a name that already exists in another letter case', async () => {
    const name = `Fabrikam ${randomUUID()}`;
    expect((await cli(['tenant', 'create', name])).code).toBe(0);

    const again = await cli(['tenant', 'create', name.toUpperCase()]);
    expectOneLineFailure(again);
    expect(again.stderr).toContain('already exists');
    const [{ count }] = await server.db.query('SELECT count(*)::int AS count FROM tenants WHERE lower(name) = lower($1)', [name]);
    expect(count).toBe(1);
  });
});

describe('pnpm cli tenant set-policy', { timeout: 30_000 }, () => {
  it('switches app passwords on and sets the limit, with one audit event holding before and after', async () => {
    const tenant = await createTenant(server.db, { appPasswordsEnabled: false });
    const result = await cli(['tenant', 'set-policy', tenant.name.toLowerCase(), '--app-passwords', 'on', '--max-per-user', '5']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(tenant.name);

    expect(await policyOf(tenant.id)).toEqual({ appPasswordsEnabled: true, maxPerUser: 5 });
    const audit = await auditOf(tenant.id);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      action: 'tenant_policy.updated',
      actor_type: 'operator',
      details: {
        before: { appPasswordsEnabled: false, maxAppPasswordsPerUser: 40 },
        after: { appPasswordsEnabled: true, maxAppPasswordsPerUser: 5 },
      },
    });
  });

  it('--require-two-step says whether app passwords need two-step verification; a new tenant requires it', async () => {
    const name = `Northwind ${randomUUID()}`;
    const created = await cli(['tenant', 'create', name]);
    const id = created.stdout.trim();
    const required = async () =>
      (await server.db.query('SELECT require_two_step_for_app_passwords AS r FROM tenant_policies WHERE tenant_id = $1', [id]))[0].r;
    expect(await required()).toBe(true);

    const off = await cli(['tenant', 'set-policy', id, '--require-two-step', 'off']);
    expect(off.code).toBe(0);
    expect(off.stdout).toContain('with or without two-step verification');
    expect(await required()).toBe(false);
    expect((await auditOf(id)).at(-1)?.details).toMatchObject({
      before: { requireTwoStepForAppPasswords: true },
      after: { requireTwoStepForAppPasswords: false },
    });

    expectUsageFailure(await cli(['tenant', 'set-policy', id, '--require-two-step', 'sometimes']));
    expect(await required()).toBe(false);
  });

  it('--require-two-step-for-admins says whether admins need two-step verification for admin work; a new tenant requires it', async () => {
    const id = (await cli(['tenant', 'create', `Litware ${randomUUID()}`])).stdout.trim();
    const required = async () =>
      (await server.db.query('SELECT require_two_step_for_admins AS r FROM tenant_policies WHERE tenant_id = $1', [id]))[0].r;
    expect(await required()).toBe(true);

    const off = await cli(['tenant', 'set-policy', id, '--require-two-step-for-admins', 'off']);
    expect(off.code).toBe(0);
    expect(off.stdout).toContain('admins may work with a password alone');
    expect(await required()).toBe(false);
    expect((await auditOf(id)).at(-1)?.details).toMatchObject({
      before: { requireTwoStepForAdmins: true },
      after: { requireTwoStepForAdmins: false },
    });
    expect((await cli(['tenant', 'set-policy', id, '--require-two-step-for-admins', 'on'])).stdout).toContain(
      'admins need two-step verification',
    );
    expectUsageFailure(await cli(['tenant', 'set-policy', id, '--require-two-step-for-admins', 'later']));
    expect(await required()).toBe(true);
  });

  it('refuses values outside on/off and 1-40, changing nothing', async () => {
    const tenant = await createTenant(server.db, { appPasswordsEnabled: false });
    const [maybe, tooMany, notANumber] = await Promise.all([
      cli(['tenant', 'set-policy', tenant.id, '--app-passwords', 'maybe']),
      cli(['tenant', 'set-policy', tenant.id, '--max-per-user', '41']),
      cli(['tenant', 'set-policy', tenant.id, '--max-per-user', 'abc']),
    ]);
    expectUsageFailure(maybe);
    expectOneLineFailure(tooMany);
    expectUsageFailure(notANumber);

    expect(await policyOf(tenant.id)).toEqual({ appPasswordsEnabled: false, maxPerUser: 40 });
    expect(await auditOf(tenant.id)).toEqual([]);
  });

  // These run the CLI several times each: a minute, for a busy machine.
  it('--revoke-unused-after-days and --expiry-reminders set the clean-up and the reminders', { timeout: 60_000 }, async () => {
    const { id } = await createTenant(server.db);
    const cleanup = async () =>
      (
        await server.db.query(
          'SELECT revoke_unused_after_days AS days, expiry_reminders AS reminders FROM tenant_policies WHERE tenant_id = $1',
          [id],
        )
      )[0];
    expect(await cleanup()).toEqual({ days: null, reminders: true });

    const on = await cli(['tenant', 'set-policy', id, '--revoke-unused-after-days', '90', '--expiry-reminders', 'off']);
    expect(on.stderr).toBe('');
    expect(on.code).toBe(0);
    expect(on.stdout).toContain('unused ones revoked after 90 days (owners told 7 days before), no expiry reminders');
    expect(await cleanup()).toEqual({ days: 90, reminders: false });
    expect((await auditOf(id)).at(-1)).toMatchObject({
      action: 'tenant_policy.updated',
      actor_type: 'operator',
      details: {
        before: { revokeUnusedAfterDays: null, expiryReminders: true },
        after: { revokeUnusedAfterDays: 90, expiryReminders: false },
      },
    });

    const off = await cli(['tenant', 'set-policy', id, '--revoke-unused-after-days', 'off', '--expiry-reminders', 'on']);
    expect(off.code).toBe(0);
    expect(off.stdout).toContain('unused ones kept, owners reminded before expiry');
    expect(await cleanup()).toEqual({ days: null, reminders: true });
  });

  it('refuses unused days but off and 30-730, and reminders but on/off, changing nothing', { timeout: 60_000 }, async () => {
    const { id } = await createTenant(server.db);
    const audited = (await auditOf(id)).length;
    const [tooFew, tooMany, fraction, sometimes] = await Promise.all([
      cli(['tenant', 'set-policy', id, '--revoke-unused-after-days', '29']),
      cli(['tenant', 'set-policy', id, '--revoke-unused-after-days', '731', '--expiry-reminders', 'off']),
      cli(['tenant', 'set-policy', id, '--revoke-unused-after-days', '90.5']),
      cli(['tenant', 'set-policy', id, '--expiry-reminders', 'sometimes']),
    ]);
    for (const result of [tooFew, tooMany]) {
      expectOneLineFailure(result);
      expect(result.stderr).toContain('--revoke-unused-after-days takes off or a whole number of days from 30 to 730.');
    }
    expectUsageFailure(fraction);
    expect(fraction.stderr).toContain('error: --revoke-unused-after-days takes off or a whole number of days from 30 to 730.');
    expectUsageFailure(sometimes);
    expect(sometimes.stderr).toContain('error: --expiry-reminders takes on or off.');

    const [policy] = await server.db.query(
      'SELECT revoke_unused_after_days AS days, expiry_reminders AS reminders FROM tenant_policies WHERE tenant_id = $1',
      [id],
    );
    expect(policy).toEqual({ days: null, reminders: true });
    expect(await auditOf(id)).toHaveLength(audited);
  });

  it('switching off blocks existing app passwords by default; --existing keep and revoke choose otherwise', async () => {
    const [byDefault, kept, revoked] = await Promise.all([createTenant(server.db), createTenant(server.db), createTenant(server.db)]);
    for (const tenant of [byDefault, kept, revoked]) await insertAppPasswords(server.db, await createUser(server.db, tenant), 2);
    const results = await Promise.all([
      cli(['tenant', 'set-policy', byDefault.id, '--app-passwords', 'off']),
      cli(['tenant', 'set-policy', kept.id, '--app-passwords', 'off', '--existing', 'keep']),
      cli(['tenant', 'set-policy', revoked.id, '--app-passwords', 'off', '--existing', 'revoke']),
    ]);
    expect(results.map((r) => r.code)).toEqual([0, 0, 0]);
    expect(results[2]!.stdout).toContain('2 deleted');
    const state = async (tenantId: string) =>
      (
        await server.db.query(
          `SELECT p.app_passwords_enabled AS enabled, p.existing_when_disabled AS existing,
                  (SELECT count(*)::int FROM app_passwords a WHERE a.tenant_id = p.tenant_id) AS left
             FROM tenant_policies p WHERE p.tenant_id = $1`,
          [tenantId],
        )
      )[0];
    expect(await state(byDefault.id)).toEqual({ enabled: false, existing: 'BLOCK', left: 2 });
    expect(await state(kept.id)).toEqual({ enabled: false, existing: 'KEEP_WORKING', left: 2 });
    expect(await state(revoked.id)).toEqual({ enabled: false, existing: 'BLOCK', left: 0 });
    expect((await cli(['tenant', 'set-policy', kept.id, '--existing', 'sometimes'])).code).not.toBe(0);
  });

  it('names an unknown tenant in one line', async () => {
    const result = await cli(['tenant', 'set-policy', `No such tenant ${randomUUID()}`, '--app-passwords', 'on']);
    expectOneLineFailure(result);
    expect(result.stderr).toContain('No such tenant');
  });
});

describe('pnpm cli user create', { timeout: 30_000 }, () => {
  it('creates a tenant admin with the password from stdin, who can then sign in to the console', async () => {
    const tenant = await createTenant(server.db);
    const email = `ada-${randomUUID()}@example.test`;
    const result = await cli(['user', 'create', tenant.name, email, '--admin', '--name', 'Ada Admin'], `${PASSWORD}\n`);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const id = result.stdout.trim();
    expect(id).toMatch(UUID);
    expect(result.stdout).not.toContain(PASSWORD);

    const client = new GraphQLClient(server.url);
    const signIn = await client.request(SignInDocument, { input: { email, password: PASSWORD } });
    expect(signIn.errors).toBeUndefined();
    expect(signIn.data?.signIn.viewer).toMatchObject({
      id,
      email,
      displayName: 'Ada Admin',
      role: 'TENANT_ADMIN',
      tenant: { id: tenant.id },
    });
  });

  it('refuses an email already in use (in another letter case) and an invalid email', async () => {
    const tenant = await createTenant(server.db);
    const existing = await createUser(server.db, tenant);

    const [duplicate, invalid] = await Promise.all([
      cli(['user', 'create', tenant.id, existing.email.toUpperCase()], PASSWORD),
      cli(['user', 'create', tenant.id, `not-an-email-${randomUUID()}`], PASSWORD),
    ]);
    expectOneLineFailure(duplicate);
    expect(duplicate.stderr).toContain('already in use');
    expectOneLineFailure(invalid);

    const users = await server.db.query('SELECT id FROM users WHERE tenant_id = $1', [tenant.id]);
    expect(users).toEqual([{ id: existing.id }]);
  });

  it('refuses a password shorter than 12 characters', async () => {
    const tenant = await createTenant(server.db);
    const email = `short-${randomUUID()}@example.test`;
    expectOneLineFailure(await cli(['user', 'create', tenant.id, email], 'elevenchars\n'));

    const users = await server.db.query('SELECT id FROM users WHERE tenant_id = $1', [tenant.id]);
    expect(users).toEqual([]);
  });
});

describe('pnpm cli user reset-two-step', { timeout: 30_000 }, () => {
  it('resets a locked-out user: app and recovery codes gone, signed out everywhere, audited as the operator', async () => {
    const tenant = await createTenant(server.db);
    const user = await giveTwoStep(server, await createUser(server.db, tenant));
    const console = await signedInClient(server, user);

    const result = await cli(['user', 'reset-two-step', tenant.name, user.email.toUpperCase()]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('two-step verification reset, 1 session signed out');
    expect(await server.db.query('SELECT 1 FROM totp_authenticators WHERE user_id = $1', [user.id])).toEqual([]);
    expect((await console.request(ViewerDocument)).data).toEqual({ viewer: null });
    expect((await auditOf(tenant.id)).map((e) => [e.action, e.actor_type, e.details])).toEqual([
      ['two_step.reset', 'operator', { revokedAppPasswords: 0, signedOutSessions: 1 }],
    ]);
    const again = new GraphQLClient(server.url);
    const signIn = await again.request(SignInDocument, { input: { email: user.email, password: user.password } });
    expect(signIn.data?.signIn.twoStepRequired).toBe(false);
  });

  it('where app passwords need two-step verification, deletes them only with --delete-app-passwords', async () => {
    const tenant = await createTenant(server.db, { requireTwoStepForAppPasswords: true });
    const user = await giveTwoStep(server, await createUser(server.db, tenant));
    await insertAppPasswords(server.db, user, 2);

    const refused = await cli(['user', 'reset-two-step', tenant.id, user.email]);
    expectOneLineFailure(refused);
    expect(refused.stderr).toContain('--delete-app-passwords');
    expect(await server.db.query('SELECT 1 FROM totp_authenticators WHERE user_id = $1', [user.id])).toHaveLength(1);

    const result = await cli(['user', 'reset-two-step', tenant.id, user.email, '--delete-app-passwords']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('2 app passwords deleted');
    expect(await server.db.query('SELECT 1 FROM app_passwords WHERE user_id = $1', [user.id])).toEqual([]);
  });

  it('fails with one line for an unknown user, another tenant’s user, or one without two-step verification', async () => {
    const tenant = await createTenant(server.db);
    const other = await createTenant(server.db);
    const stranger = await giveTwoStep(server, await createUser(server.db, other));
    const plain = await createUser(server.db, tenant);
    for (const email of ['nobody@example.test', stranger.email, plain.email]) {
      expectOneLineFailure(await cli(['user', 'reset-two-step', tenant.id, email]));
    }
    expect(await server.db.query('SELECT 1 FROM totp_authenticators WHERE user_id = $1', [stranger.id])).toHaveLength(1);
    expectUsageFailure(await cli(['user', 'reset-two-step', tenant.id]));
  });
});

describe('pnpm cli usage', { timeout: 30_000 }, () => {
  it('prints usage and exits 2 for an unknown command', async () => {
    const result = await cli(['tenant', 'delete', 'Fabrikam']);
    expectUsageFailure(result);
    expect(result.stderr).toContain('unknown command');
  });

  it('prints usage and exits 2 without arguments', async () => {
    expectUsageFailure(await cli([]));
  });
});

describe('pnpm cli keys status', { timeout: 30_000 }, () => {
  it('counts what still depends on each server key, so an operator knows when a previous key can go', async () => {
    const oldKey = randomBytes(32);
    const newKey = randomBytes(32);
    recordSecret(oldKey.toString('hex'));
    recordSecret(newKey.toString('hex'));
    const old = await startTestServer({ lookupKey: oldKey });
    try {
      const tenant = await createTenant(old.db);
      await createAppPassword(old, await createUser(old.db, tenant));
      // A provider saved under the old key (its discovery checked elsewhere: sso.test.ts).
      await old.db.query(
        `INSERT INTO identity_providers (tenant_id, issuer, client_id, client_secret, client_secret_key_id, display_name)
         VALUES ($1, 'https://idp.example.test', 'console', '\\x00', $2, 'IdP')`,
        [tenant.id, keyId(oldKey)],
      );
    } finally {
      await old.close();
    }
    const result = await cli(['keys', 'status'], '', {
      APP_PASSWORD_LOOKUP_KEY: newKey.toString('hex'),
      APP_PASSWORD_LOOKUP_KEYS_PREVIOUS: oldKey.toString('hex'),
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines[0]).toBe(`server keys: ${keyId(newKey)} (current), ${keyId(oldKey)} (previous)`);
    expect(lines.find((l) => l.startsWith('app passwords: '))).toMatch(new RegExp(`\\b1 under ${keyId(oldKey)} \\(previous\\)`));
    expect(lines.map((l) => l.split(':')[0])).toEqual([
      'server keys',
      'app passwords',
      'previous secrets of app passwords being rotated',
      'API tokens',
      'authenticator apps',
      'unused recovery codes',
      'single sign-on client secrets',
    ]);
    expect(lines.find((l) => l.startsWith('single sign-on client secrets: '))).toMatch(
      new RegExp(`\\b1 under ${keyId(oldKey)} \\(previous\\)`),
    );
    expect(result.stdout).not.toContain(oldKey.toString('hex'));
  });
});

describe('pnpm cli refuses control characters in what it is given', { timeout: 30_000 }, () => {
  // NUL cannot be in a program's arguments (they are C strings); every other control character can, and C1 too.
  it('refuses a name, tenant, email or flag holding one, in one line naming it, before anything is written', async () => {
    const tenant = await createTenant(server.db);
    const tag = randomUUID();
    const cases: Array<[string[], string]> = [
      [['tenant', 'create', `Fabrikam\t${tag}`], '<name>'],
      [['tenant', 'create', `Fabrikam\u001b[31m${tag}`], '<name>'],
      [['tenant', 'set-policy', `Fabrikam\u0085${tag}`, '--app-passwords', 'on'], '<tenant>'],
      [['user', 'create', tenant.id, `esc\u001b${tag}@example.test`], '<email>'],
      [['user', 'create', tenant.id, `nel\u0085${tag}@example.test`], '<email>'],
      [['user', 'create', tenant.id, `ada-${tag}@example.test`, '--name', 'Ada\nAdmin'], '--name'],
    ];
    const results = await Promise.all(cases.map(([args]) => cli(args, `${PASSWORD}\n`)));
    results.forEach((result, i) => {
      expectOneLineFailure(result);
      expect(result.stderr.trim()).toBe(`error: ${cases[i]![1]} must not contain control characters (such as NUL, tab or a line break).`);
    });

    expect(await server.db.query('SELECT id FROM tenants WHERE name LIKE $1', [`%${tag}`])).toEqual([]);
    expect(await server.db.query('SELECT id FROM users WHERE email LIKE $1', [`%${tag}@example.test`])).toEqual([]);
  });

  it('refuses a password on standard input holding one (NUL included), creating nobody', async () => {
    const tenant = await createTenant(server.db);
    const email = `nul-${randomUUID()}@example.test`;
    for (const password of [`${PASSWORD}\u0000`, `${PASSWORD}\tmore`, `${PASSWORD}\n\n`]) {
      recordSecret(password);
      const result = await cli(['user', 'create', tenant.id, email], password);
      expectOneLineFailure(result);
      expect(result.stderr.trim()).toBe(
        'error: The password on standard input must not contain control characters (such as NUL, tab or a line break).',
      );
    }
    expect(await server.db.query('SELECT id FROM users WHERE tenant_id = $1', [tenant.id])).toEqual([]);
  });
});
