import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, parseKey } from './config.js';

const HEX_KEY = 'a'.repeat(64);
const freshDir = () => mkdtempSync(path.join(tmpdir(), 'app-passwords-config-'));

describe('loadConfig', () => {
  it('has working defaults for a newcomer: port 4000, embedded database, demo data', () => {
    const config = loadConfig({ DATA_DIR: freshDir() });
    expect(config).toMatchObject({ port: 4000, databaseUrl: undefined, production: false, cookieSecure: false, demoData: true });
  });

  it('sizes the database pool to twice the cores, at most 10, unless told', () => {
    const cores = availableParallelism();
    expect(loadConfig({ DATA_DIR: freshDir() }).databasePoolSize).toBe(Math.min(10, 2 * cores));
    expect(loadConfig({ DATA_DIR: freshDir(), DATABASE_POOL_SIZE: '25' }).databasePoolSize).toBe(25);
  });

  it('names every bad variable at once', () => {
    const error = (() => {
      try {
        loadConfig({
          PORT: 'eighty',
          DATABASE_URL: 'mysql://x',
          APP_PASSWORD_LOOKUP_KEY: 'short',
          COOKIE_SECURE: 'maybe',
          DATABASE_POOL_SIZE: '0',
        });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    for (const name of ['PORT', 'DATABASE_URL', 'APP_PASSWORD_LOOKUP_KEY', 'COOKIE_SECURE', 'DATABASE_POOL_SIZE'])
      expect(message).toContain(name);
    expect((error as ConfigError).problems).toHaveLength(5);
  });

  it('takes a separate login role for answering requests only beside an owner URL', () => {
    const base = { NODE_ENV: 'production', APP_PASSWORD_LOOKUP_KEY: HEX_KEY };
    const runtimeUrl = 'postgres://app_passwords_server@db/app';
    expect(loadConfig({ ...base, DATABASE_URL: 'postgres://db/app', DATABASE_RUNTIME_URL: runtimeUrl }).databaseRuntimeUrl).toBe(
      runtimeUrl,
    );
    expect(() => loadConfig({ ...base, DATABASE_RUNTIME_URL: runtimeUrl })).toThrow(/DATABASE_RUNTIME_URL needs DATABASE_URL/);
    expect(() => loadConfig({ ...base, DATABASE_URL: 'postgres://db/app', DATABASE_RUNTIME_URL: 'db:5432' })).toThrow(
      /DATABASE_RUNTIME_URL must be a postgres/,
    );
  });

  it('refuses to start in production without a lookup key', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', DATABASE_URL: 'postgres://db/app' })).toThrow(
      /APP_PASSWORD_LOOKUP_KEY is required in production/,
    );
  });

  it('in production: secure cookies and no demo data by default', () => {
    const config = loadConfig({ NODE_ENV: 'production', DATABASE_URL: 'postgres://db/app', APP_PASSWORD_LOOKUP_KEY: HEX_KEY });
    expect(config).toMatchObject({ cookieSecure: true, demoData: false, appPasswordLookupKeySource: 'environment' });
    expect(config.appPasswordLookupKey).toEqual(Buffer.from(HEX_KEY, 'hex'));
  });

  it('outside production generates a key once, readable by the owner only, and reuses it', () => {
    const dir = freshDir();
    const first = loadConfig({ DATA_DIR: dir });
    expect(first.appPasswordLookupKeySource).toBe('generated');
    const file = path.join(dir, 'app-password-lookup.key');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8').trim()).toBe(first.appPasswordLookupKey.toString('hex'));
    const second = loadConfig({ DATA_DIR: dir });
    expect(second.appPasswordLookupKeySource).toBe('data-dir');
    expect(second.appPasswordLookupKey.equals(first.appPasswordLookupKey)).toBe(true);
  });
});

describe('GRAPHQL_INTROSPECTION', () => {
  const PRODUCTION = { NODE_ENV: 'production', DATABASE_URL: 'postgres://db/app', APP_PASSWORD_LOOKUP_KEY: HEX_KEY };

  it('is on outside production and off in production unless set', () => {
    expect(loadConfig({ DATA_DIR: freshDir() }).graphqlIntrospection).toBe(true);
    expect(loadConfig(PRODUCTION).graphqlIntrospection).toBe(false);
    expect(loadConfig({ ...PRODUCTION, GRAPHQL_INTROSPECTION: 'true' }).graphqlIntrospection).toBe(true);
    expect(loadConfig({ DATA_DIR: freshDir(), GRAPHQL_INTROSPECTION: 'off' }).graphqlIntrospection).toBe(false);
  });

  it('is named with the other bad variables when it is not a boolean', () => {
    expect(() => loadConfig({ ...PRODUCTION, GRAPHQL_INTROSPECTION: 'sometimes', PORT: 'eighty' })).toThrow(
      expect.objectContaining({
        problems: [expect.stringContaining('PORT'), 'GRAPHQL_INTROSPECTION must be true or false (got "sometimes")'],
      }),
    );
  });
});

describe('loadConfig: logs and metrics', () => {
  it('logs at info and serves metrics to this machine only, unless told otherwise', () => {
    expect(loadConfig({ DATA_DIR: freshDir() })).toMatchObject({ logLevel: 'info', metricsToken: undefined });
  });

  it('takes any pino level, in any case', () => {
    for (const level of ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
      expect(loadConfig({ DATA_DIR: freshDir(), LOG_LEVEL: level.toUpperCase() }).logLevel).toBe(level);
  });

  it('takes a metrics token of 32 or more printable characters', () => {
    const token = 'f'.repeat(64);
    expect(loadConfig({ DATA_DIR: freshDir(), METRICS_TOKEN: token }).metricsToken).toBe(token);
  });

  it('names a bad level and a weak metrics token together, without repeating the token', () => {
    const weak = 'short-metrics-token';
    const error = (() => {
      try {
        loadConfig({ DATA_DIR: freshDir(), LOG_LEVEL: 'verbose', METRICS_TOKEN: weak });
      } catch (e) {
        return e as ConfigError;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect(error!.problems).toEqual([
      expect.stringMatching(/^LOG_LEVEL must be one of fatal, .*"verbose"/),
      expect.stringMatching(/^METRICS_TOKEN /),
    ]);
    expect(error!.message).not.toContain(weak);
    expect(() => loadConfig({ DATA_DIR: freshDir(), METRICS_TOKEN: `${'x'.repeat(20)} ${'y'.repeat(20)}` })).toThrow(/METRICS_TOKEN/);
  });
});

describe('PUBLIC_URL', () => {
  it('defaults to localhost on the port and keeps an origin without its trailing slash', () => {
    expect(loadConfig({ DATA_DIR: freshDir(), PORT: '4100' }).publicUrl).toBe('http://localhost:4100');
    expect(loadConfig({ DATA_DIR: freshDir(), PUBLIC_URL: 'https://ap.example.com/' }).publicUrl).toBe('https://ap.example.com');
  });

  it('refuses a path, another scheme or no URL at all, naming the variable', () => {
    for (const bad of ['https://ap.example.com/console', 'ftp://ap.example.com', 'ap.example.com'])
      expect(() => loadConfig({ DATA_DIR: freshDir(), PUBLIC_URL: bad })).toThrow(/PUBLIC_URL must be/);
  });
});

describe('parseKey', () => {
  it('accepts 32+ bytes as hex or base64 and nothing shorter', () => {
    expect(parseKey(HEX_KEY)).toHaveLength(32);
    expect(parseKey(Buffer.alloc(32, 7).toString('base64'))).toHaveLength(32);
    expect(parseKey(Buffer.alloc(48, 7).toString('base64url'))).toHaveLength(48);
    expect(parseKey('a'.repeat(62))).toBeUndefined();
    expect(parseKey(Buffer.alloc(31).toString('base64'))).toBeUndefined();
    expect(parseKey('not a key!')).toBeUndefined();
  });
});

describe('APP_PASSWORD_LOOKUP_KEYS_PREVIOUS', () => {
  it('takes a comma-separated list of keys, hex or base64, and none by default', () => {
    const a = 'a'.repeat(64);
    const b = Buffer.alloc(32, 7).toString('base64');
    expect(loadConfig({ DATA_DIR: freshDir() }).appPasswordPreviousLookupKeys).toEqual([]);
    expect(loadConfig({ DATA_DIR: freshDir(), APP_PASSWORD_LOOKUP_KEYS_PREVIOUS: ` ${a} , ${b} ` }).appPasswordPreviousLookupKeys).toEqual([
      Buffer.from(a, 'hex'),
      Buffer.alloc(32, 7),
    ]);
  });

  it('names a bad key by its position, never by its value', () => {
    const weak = 'abcd1234';
    expect(() => loadConfig({ DATA_DIR: freshDir(), APP_PASSWORD_LOOKUP_KEYS_PREVIOUS: `${'a'.repeat(64)},${weak}` })).toThrow(
      expect.objectContaining({ problems: [expect.stringMatching(/^APP_PASSWORD_LOOKUP_KEYS_PREVIOUS: key 2 /)] }),
    );
    try {
      loadConfig({ DATA_DIR: freshDir(), APP_PASSWORD_LOOKUP_KEYS_PREVIOUS: weak });
    } catch (error) {
      expect((error as Error).message).not.toContain(weak);
    }
  });
});

describe('SMTP_URL and MAIL_FROM', () => {
  const env = { DATA_DIR: freshDir(), APP_PASSWORD_LOOKUP_KEY: HEX_KEY };
  const problemsOf = (more: Record<string, string>) => {
    try {
      loadConfig({ ...env, ...more });
      return [];
    } catch (error) {
      return (error as ConfigError).problems;
    }
  };

  it('sends no mail by default, and links to http://localhost:<PORT> (PUBLIC_URL, above)', () => {
    expect(loadConfig({ ...env, PORT: '8080' })).toMatchObject({
      smtp: undefined,
      mailFrom: undefined,
      publicUrl: 'http://localhost:8080',
    });
  });

  it('reads the server, port, TLS and percent-encoded credentials from the URL', () => {
    const config = loadConfig({ ...env, SMTP_URL: 'smtp://mailer:p%40ss%3Aword@mail.example.com', MAIL_FROM: 'no-reply@example.com' });
    expect(config.smtp).toEqual({ host: 'mail.example.com', port: 587, secure: false, user: 'mailer', pass: 'p@ss:word' });
    expect(loadConfig({ ...env, SMTP_URL: 'smtps://[::1]', MAIL_FROM: 'A <a@example.com>' }).smtp).toEqual({
      host: '::1',
      port: 465,
      secure: true,
      user: undefined,
      pass: undefined,
    });
  });

  it('names each bad one, and never repeats SMTP_URL, which may hold a password', () => {
    const problems = problemsOf({ SMTP_URL: 'http://mailer:hunter2hunter2@mail.example.com', MAIL_FROM: 'nobody', PUBLIC_URL: 'ftp://x' });
    expect(problems).toHaveLength(3);
    expect(problems.join('\n')).not.toContain('hunter2');
    expect(problemsOf({ SMTP_URL: 'smtp://mailer:hunter2hunter2@mail.example.com' })).toEqual([
      expect.stringMatching(/^MAIL_FROM is required with SMTP_URL/),
    ]);
    expect(problemsOf({ SMTP_URL: 'smtp://mail.example.com/path', MAIL_FROM: 'a@example.com' })).toHaveLength(1);
    expect(problemsOf({ PUBLIC_URL: 'https://apps.example.com/?x=1' })).toHaveLength(1);
  });
});
