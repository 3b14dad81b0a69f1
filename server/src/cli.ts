import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { policyChanges, policySummary, type Flags } from './cli-policy.js';
import { USAGE, UsageError } from './cli-usage.js';
import { ConfigError, loadConfig } from './config.js';
import { createServices, entities, type Services } from './services.js';
import { ErrorCode } from '@app-passwords/schema';
import { AppError, badInput, twoStepNeededByAppPasswords } from './common/errors.js';
import { keyId } from './common/server-keys.js';
import { textProblem, textProblemMessage } from './common/text.js';
import { openDatabase } from './db/database.js';
import { readEachTime } from './db/tenant-scope.js';
import type { DataSource } from 'typeorm';
import { OPERATOR } from './modules/audit/audit.service.js';
import { seed } from './modules/demo/seed.js';
import { Role } from './modules/users/user.entity.js';
import { ExistingAppPasswords } from './modules/tenant-policies/tenant-policy.entity.js';

/** The positional arguments of each command, as USAGE names them (for messages about them). */
const ARGUMENT_NAMES: Record<string, string[]> = {
  'tenant create': ['<name>'],
  'tenant set-policy': ['<tenant>'],
  'user create': ['<tenant>', '<email>'],
  'user reset-two-step': ['<tenant>', '<email>'],
};

/**
 * Every argument is text for a name, an email, a tenant or a number, and none
 * may hold a control character (tab, line breaks, escape sequences, C1; NUL
 * cannot reach a program's arguments at all) or an unpaired surrogate: the
 * same rule as the API's (common/text.ts). Returns the one-line reason, naming
 * the argument, for the first one that does.
 */
function refusedArgument(positionals: string[], flags: Flags): string | undefined {
  const names = ARGUMENT_NAMES[positionals.slice(0, 2).join(' ')] ?? [];
  for (const [i, value] of positionals.entries()) {
    const problem = textProblem(value);
    if (problem) return textProblemMessage(names[i - 2] ?? `argument ${i + 1}`, problem);
  }
  for (const [flag, value] of Object.entries(flags)) {
    const problem = typeof value === 'string' ? textProblem(value) : undefined;
    if (problem) return textProblemMessage(`--${flag}`, problem);
  }
  return undefined;
}

type Command = (services: Services & { db: DataSource }, positionals: string[], flags: Flags) => Promise<string>;

const commands: Record<string, Command> = {
  'tenant create': async (services, [name]) => {
    if (!name) throw new UsageError('tenant create needs a name.');
    const tenant = await services.tenants.create(name);
    return tenant.id;
  },

  'tenant set-policy': async (services, [tenantRef], flags) => {
    if (!tenantRef) throw new UsageError('tenant set-policy needs a tenant.');
    const changes = policyChanges(flags);
    const tenant = await services.tenants.findByIdOrName(tenantRef);
    if (changes.appPasswordsEnabled === false && !changes.existingAppPasswords) {
      // Scripts written before --existing existed keep their meaning: switching off blocks.
      const current = await services.tenantPolicies.get(readEachTime(services.db), tenant.id);
      if (current.appPasswordsEnabled) changes.existingAppPasswords = ExistingAppPasswords.BLOCK;
    }
    const { policy, revokedAppPasswords } = await services.tenantPolicies.update(tenant.id, changes, OPERATOR);
    return policySummary(tenant.name, policy, revokedAppPasswords);
  },

  'keys status': async (services) => {
    const ids = services.keys.all.map((key) => keyId(key));
    const label = (id: string | null) =>
      id === null
        ? 'not recorded (from before key ids)'
        : id === ids[0]
          ? `${id} (current)`
          : ids.includes(id)
            ? `${id} (previous)`
            : `${id} (unknown key!)`;
    const kinds = [
      ['app passwords', 'app_passwords', 'lookup_key_id', 'true'],
      ['previous secrets of app passwords being rotated', 'app_passwords', 'previous_lookup_key_id', 'previous_valid_until > now()'],
      ['API tokens', 'api_tokens', 'token_key_id', 'expires_at > now()'],
      ['authenticator apps', 'totp_authenticators', 'secret_key_id', 'true'],
      ['unused recovery codes', 'recovery_codes', 'code_key_id', 'used_at IS NULL'],
      ['single sign-on client secrets', 'identity_providers', 'client_secret_key_id', 'true'],
    ] as const;
    const lines = [`server keys: ${ids.map((id, i) => `${id} (${i === 0 ? 'current' : 'previous'})`).join(', ')}`];
    for (const [what, table, column, where] of kinds) {
      const rows: Array<{ id: string | null; count: number }> = await services.db.query(
        `SELECT ${column} AS id, count(*)::int AS count FROM ${table} WHERE ${where} GROUP BY 1 ORDER BY 2 DESC`,
      );
      lines.push(`${what}: ${rows.length === 0 ? 'none' : rows.map((r) => `${r.count} under ${label(r.id)}`).join(', ')}`);
    }
    return lines.join('\n');
  },

  seed: async (services, _positionals, flags) => {
    const options = {
      tenantName: typeof flags.tenant === 'string' ? flags.tenant : `Seed ${new Date().toISOString().slice(0, 19)}`,
      users: count(flags.users, 'users', 25_000, 1_000_000),
      appPasswordsPerUser: count(flags['app-passwords-per-user'], 'app-passwords-per-user', 40, 40),
      signInEvents: count(flags['sign-in-events'], 'sign-in-events', 1_000_000, 50_000_000),
    };
    const result = await seed(services.db, services, options, (line) => console.error(`seeded ${line}`));
    return [
      `tenant ${options.tenantName} (${result.tenantId}): ${result.users} users, ${result.appPasswords} app passwords, ${result.signInEvents} sign-in events in ${result.seconds} s`,
      `every seeded user's password (shown once): ${result.password}`,
    ].join('\n');
  },

  'user reset-two-step': async (services, [tenantRef, email], flags) => {
    if (!tenantRef || !email) throw new UsageError('user reset-two-step needs a tenant and an email address.');
    const tenant = await services.tenants.findByIdOrName(tenantRef);
    const reset = await services.twoStepReset.resetByOperator(tenant.id, email, flags['delete-app-passwords'] === true).catch((error) => {
      if (error instanceof AppError && error.code === ErrorCode.TWO_STEP_NEEDED_BY_APP_PASSWORDS) {
        throw twoStepNeededByAppPasswords(error.extensions.appPasswords as number, `${error.message} (--delete-app-passwords)`);
      }
      throw error;
    });
    const some = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;
    const deleted = reset.revokedAppPasswords ? `, ${some(reset.revokedAppPasswords, 'app password')} deleted` : '';
    return `${email}: two-step verification reset, ${some(reset.signedOutSessions, 'session')} signed out${deleted}; they sign in with their password now`;
  },

  'user create': async (services, [tenantRef, email], flags) => {
    if (!tenantRef || !email) throw new UsageError('user create needs a tenant and an email address.');
    const fromStdin = !process.stdin.isTTY;
    const password = fromStdin ? await readPassword() : randomBytes(15).toString('base64url');
    const problem = textProblem(password);
    if (problem) throw badInput(textProblemMessage('The password on standard input', problem), 'password');
    const tenant = await services.tenants.findByIdOrName(tenantRef);
    const user = await services.users.create({
      tenantId: tenant.id,
      email,
      displayName: typeof flags.name === 'string' ? flags.name : undefined,
      role: flags.admin ? Role.TENANT_ADMIN : Role.USER,
      password,
    });
    return fromStdin ? user.id : `${user.id}\npassword (shown once): ${password}`;
  },
};

function count(flag: string | boolean | undefined, name: string, fallback: number, max: number): number {
  if (flag === undefined) return fallback;
  if (typeof flag !== 'string' || !/^\d+$/.test(flag) || Number(flag) > max)
    throw new UsageError(`--${name} takes a whole number up to ${max}.`);
  return Number(flag);
}

async function readPassword(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        'app-passwords': { type: 'string' },
        'max-per-user': { type: 'string' },
        existing: { type: 'string' },
        'require-two-step': { type: 'string' },
        'require-two-step-for-admins': { type: 'string' },
        'revoke-unused-after-days': { type: 'string' },
        'expiry-reminders': { type: 'string' },
        admin: { type: 'boolean' },
        'delete-app-passwords': { type: 'boolean' },
        name: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        users: { type: 'string' },
        'app-passwords-per-user': { type: 'string' },
        'sign-in-events': { type: 'string' },
        tenant: { type: 'string' },
      },
    });
  } catch (error) {
    console.error(`error: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const [noun, verb, ...rest] = parsed.positionals;
  if (parsed.values.help || !noun) {
    console.log(USAGE);
    return parsed.values.help ? 0 : 2;
  }
  const refused = refusedArgument(parsed.positionals, parsed.values);
  if (refused) {
    console.error(`error: ${refused}`);
    return 1;
  }
  const command = commands[`${noun} ${verb ?? ''}`] ?? (noun === 'seed' ? commands.seed : undefined);
  if (!command) {
    console.error(`error: unknown command "${[noun, verb].filter(Boolean).join(' ')}"\n\n${USAGE}`);
    return 2;
  }

  const config = loadConfig();
  const database = await openDatabase(config, entities, () => undefined, { runtime: false });
  try {
    console.log(
      await command({ ...createServices(database.owner, config), db: database.owner }, noun === 'seed' ? [] : rest, parsed.values),
    );
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`error: ${error.message}\n\n${USAGE}`);
      return 2;
    }
    if (error instanceof AppError) {
      console.error(`error: ${error.message}`);
      return 1;
    }
    throw error;
  } finally {
    await database.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof ConfigError ? error.message : `error: ${(error as Error).message ?? error}`);
    process.exit(1);
  },
);
