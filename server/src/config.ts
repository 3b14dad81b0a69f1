import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import proxyaddr from 'proxy-addr';
import { LOG_LEVELS, type LogLevel } from './common/logger.js';
import { parseMailConfig, type MailConfig } from './config-mail.js';

/** The repository root, whether we run from `server/src` (swc) or `server/dist` (tsc). */
const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface Config extends MailConfig {
  production: boolean;
  port: number;
  host: string | undefined;
  /** Unset: the server starts an embedded PostgreSQL under `dataDir`. */
  databaseUrl: string | undefined;
  /** A login role for answering requests, member of app_passwords_runtime; unset: DATABASE_URL's role, switched to it. */
  databaseRuntimeUrl: string | undefined;
  databasePoolSize: number;
  dataDir: string;
  /** HMAC key for app-password lookup tags. Never stored in the database. */
  appPasswordLookupKey: Buffer;
  /** Keys the current one replaced: still accepted, never used for new tags (key rotation). */
  appPasswordPreviousLookupKeys: Buffer[];
  /** Where the key came from, for the start-up log (never the key itself). */
  appPasswordLookupKeySource: 'environment' | 'generated' | 'data-dir';
  cookieSecure: boolean;
  demoData: boolean;
  webDistDir: string;
  /** Peers whose X-Forwarded-For is believed (IPs, CIDRs, or proxy-addr's names such as `loopback`). */
  trustedProxies: string[];
  /** How long a verified app password skips argon2 on this instance; 0 turns the cache off. */
  appPasswordCacheTtlSeconds: number;
  /** REQUIRE_SERVICE: an app-password check must name its service (`/auth/basic?service=imap`). */
  requireService: boolean;
  /** GraphQL introspection; when off, error messages also stop suggesting field names. */
  graphqlIntrospection: boolean;
  /** The least severe log lines written (JSON lines on stdout). */
  logLevel: LogLevel;
  /**
   * Set: /metrics answers whoever sends `Authorization: Bearer <token>`.
   * Unset: /metrics answers only loopback peers whose request no proxy forwarded.
   */
  metricsToken: string | undefined;
  /**
   * PUBLIC_URL: where browsers reach this server (scheme, host, port, no path), for links that leave it:
   * the single sign-on redirect URI `${publicUrl}/auth/oidc/callback`.
   */
  publicUrl: string;
  /** Webhook deliveries (modules/webhooks). */
  webhooks: WebhookConfig;
}

/** How webhooks are delivered; the defaults suit production, tests shorten the delays. */
export interface WebhookConfig {
  /** Outside production: endpoints may be http:// on loopback, and hosts may resolve to private addresses. */
  allowLocal: boolean;
  /** WEBHOOK_TIMEOUT_MS: one POST, connecting to the whole answer. */
  timeoutMs: number;
  /** WEBHOOK_RETRY_BASE_MS: the delay after the first failure, doubling each time (with jitter) … */
  retryBaseMs: number;
  /** WEBHOOK_RETRY_MAX_DELAY_MS: … up to this. */
  retryMaxDelayMs: number;
  /** WEBHOOK_RETRY_WINDOW_SECONDS × 1000: how long a delivery is retried before it fails for good. */
  retryWindowMs: number;
  /** WEBHOOK_POLL_MS: how often each instance looks for due deliveries when it has nothing in flight. */
  pollMs: number;
  /** WEBHOOK_CONCURRENCY: POSTs in flight per instance. */
  concurrency: number;
  /** WEBHOOK_ENDPOINT_CONCURRENCY: POSTs in flight to one endpoint. */
  endpointConcurrency: number;
}

/** The webhook settings of a production server with no WEBHOOK_* variables set. */
export const DEFAULT_WEBHOOK_CONFIG: Omit<WebhookConfig, 'allowLocal'> = {
  timeoutMs: 10_000,
  retryBaseMs: 5_000,
  retryMaxDelayMs: 3_600_000,
  retryWindowMs: 24 * 3_600_000,
  pollMs: 1_000,
  concurrency: 16,
  endpointConcurrency: 4,
};

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

/**
 * Reads and validates the environment once. Every problem is collected, so an
 * operator fixes them all in one go instead of one per restart.
 */
export function loadConfig(env: Env = process.env): Config {
  const problems: string[] = [];
  const production = env.NODE_ENV === 'production';

  const port = parseInteger(env, 'PORT', 4000, 0, 65535, problems);
  const databasePoolSize = parseInteger(env, 'DATABASE_POOL_SIZE', defaultDatabasePoolSize(), 1, 200, problems);
  const databaseUrl = nonEmpty(env.DATABASE_URL);
  if (databaseUrl !== undefined && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    problems.push('DATABASE_URL must be a postgres:// or postgresql:// URL (unset it to use the embedded PostgreSQL)');
  }
  const databaseRuntimeUrl = nonEmpty(env.DATABASE_RUNTIME_URL);
  if (databaseRuntimeUrl !== undefined && !/^postgres(ql)?:\/\//.test(databaseRuntimeUrl)) {
    problems.push('DATABASE_RUNTIME_URL must be a postgres:// or postgresql:// URL');
  } else if (databaseRuntimeUrl !== undefined && databaseUrl === undefined) {
    problems.push('DATABASE_RUNTIME_URL needs DATABASE_URL (the owner, for migrations) set too');
  }
  const dataDir = path.resolve(nonEmpty(env.DATA_DIR) ?? path.join(repositoryRoot, '.data'));
  const cookieSecure = parseBoolean(env, 'COOKIE_SECURE', production, problems);
  const demoData = parseBoolean(env, 'DEMO_DATA', !production, problems);
  const appPasswordCacheTtlSeconds = parseInteger(env, 'APP_PASSWORD_CACHE_TTL_SECONDS', 300, 0, 3600, problems);
  const requireService = parseBoolean(env, 'REQUIRE_SERVICE', false, problems);
  const graphqlIntrospection = parseBoolean(env, 'GRAPHQL_INTROSPECTION', !production, problems);
  const rawLogLevel = nonEmpty(env.LOG_LEVEL)?.toLowerCase() ?? 'info';
  const logLevel = (LOG_LEVELS as readonly string[]).includes(rawLogLevel) ? (rawLogLevel as LogLevel) : 'info';
  if (logLevel !== rawLogLevel) problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')} (got "${env.LOG_LEVEL}")`);
  const metricsToken = nonEmpty(env.METRICS_TOKEN);
  if (metricsToken !== undefined && !/^[\x21-\x7e]{32,}$/.test(metricsToken)) {
    // Never echo a secret, not even a bad one.
    problems.push('METRICS_TOKEN must be at least 32 printable characters without spaces (e.g. `openssl rand -hex 32`)');
  }
  const publicUrl = parsePublicUrl(nonEmpty(env.PUBLIC_URL), port, problems);
  const d = DEFAULT_WEBHOOK_CONFIG;
  const webhooks: WebhookConfig = {
    allowLocal: !production,
    timeoutMs: parseInteger(env, 'WEBHOOK_TIMEOUT_MS', d.timeoutMs, 100, 60_000, problems),
    retryBaseMs: parseInteger(env, 'WEBHOOK_RETRY_BASE_MS', d.retryBaseMs, 10, 3_600_000, problems),
    retryMaxDelayMs: parseInteger(env, 'WEBHOOK_RETRY_MAX_DELAY_MS', d.retryMaxDelayMs, 10, 86_400_000, problems),
    retryWindowMs: parseInteger(env, 'WEBHOOK_RETRY_WINDOW_SECONDS', d.retryWindowMs / 1000, 1, 7 * 86_400, problems) * 1000,
    pollMs: parseInteger(env, 'WEBHOOK_POLL_MS', d.pollMs, 10, 60_000, problems),
    concurrency: parseInteger(env, 'WEBHOOK_CONCURRENCY', d.concurrency, 1, 256, problems),
    endpointConcurrency: parseInteger(env, 'WEBHOOK_ENDPOINT_CONCURRENCY', d.endpointConcurrency, 1, 64, problems),
  };
  const trustedProxies = (nonEmpty(env.TRUSTED_PROXIES) ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  try {
    proxyaddr.compile(trustedProxies);
  } catch {
    problems.push(`TRUSTED_PROXIES must be a comma-separated list of IP addresses or CIDR ranges (got "${env.TRUSTED_PROXIES}")`);
  }

  let appPasswordLookupKey: Buffer = Buffer.alloc(0);
  let appPasswordLookupKeySource: Config['appPasswordLookupKeySource'] = 'environment';
  const rawKey = nonEmpty(env.APP_PASSWORD_LOOKUP_KEY);
  if (rawKey !== undefined) {
    const key = parseKey(rawKey);
    if (key) appPasswordLookupKey = key;
    else problems.push('APP_PASSWORD_LOOKUP_KEY must be at least 32 random bytes, hex- or base64-encoded (e.g. `openssl rand -hex 32`)');
  } else if (production) {
    problems.push(
      'APP_PASSWORD_LOOKUP_KEY is required in production: at least 32 random bytes, hex- or base64-encoded (e.g. `openssl rand -hex 32`); it must stay the same across restarts and instances',
    );
  }

  const appPasswordPreviousLookupKeys: Buffer[] = [];
  for (const [i, raw] of (nonEmpty(env.APP_PASSWORD_LOOKUP_KEYS_PREVIOUS) ?? '')
    .split(',')
    .map((k) => k.trim())
    .filter(Boolean)
    .entries()) {
    const key = parseKey(raw);
    // Never echo a key, not even a bad one.
    if (key) appPasswordPreviousLookupKeys.push(key);
    else problems.push(`APP_PASSWORD_LOOKUP_KEYS_PREVIOUS: key ${i + 1} is not at least 32 bytes, hex- or base64-encoded`);
  }

  const mail = parseMailConfig(env, problems);

  if (problems.length > 0) throw new ConfigError(problems);

  if (rawKey === undefined) {
    ({ key: appPasswordLookupKey, source: appPasswordLookupKeySource } = developmentLookupKey(dataDir));
  }

  return {
    production,
    port,
    host: nonEmpty(env.HOST),
    databaseUrl,
    databaseRuntimeUrl,
    databasePoolSize,
    dataDir,
    appPasswordLookupKey,
    appPasswordPreviousLookupKeys,
    appPasswordLookupKeySource,
    cookieSecure,
    demoData,
    webDistDir: path.join(repositoryRoot, 'web/dist'),
    trustedProxies,
    appPasswordCacheTtlSeconds,
    requireService,
    graphqlIntrospection,
    logLevel,
    metricsToken,
    publicUrl,
    webhooks,
    ...mail,
  };
}

/** An http(s) origin without path, query or fragment, given without the trailing slash. */
function parsePublicUrl(raw: string | undefined, port: number, problems: string[]): string {
  if (raw === undefined) return `http://localhost:${port}`;
  let url: URL | undefined;
  try {
    url = new URL(raw);
  } catch {
    url = undefined;
  }
  if (!url || !['http:', 'https:'].includes(url.protocol) || url.pathname !== '/' || url.search || url.hash || url.username) {
    problems.push(
      `PUBLIC_URL must be an http:// or https:// origin without a path, such as https://apppasswords.example.com (got "${raw}")`,
    );
    return `http://localhost:${port}`;
  }
  return url.origin;
}

/**
 * Connections per pool when DATABASE_POOL_SIZE is unset: twice this
 * machine's cores, at most 10. PostgreSQL runs one process per busy
 * connection; beyond about twice the cores it runs them in turns, and they
 * then cost more CPU each and the server waits longer. With the embedded
 * PostgreSQL (or one on the same machine) these are its cores too; on a
 * 2-core machine 4 connections answered the security-info page a fifth
 * faster than 10 (bench README, stop 20). A PostgreSQL on its own machine
 * wants about twice its own cores over all instances: set it then.
 */
export function defaultDatabasePoolSize(): number {
  return Math.min(10, 2 * availableParallelism());
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

function parseInteger(env: Env, name: string, fallback: number, min: number, max: number, problems: string[]): number {
  const raw = nonEmpty(env[name]);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < min || value > max) {
    problems.push(`${name} must be a whole number from ${min} to ${max} (got "${raw}")`);
    return fallback;
  }
  return value;
}

function parseBoolean(env: Env, name: string, fallback: boolean, problems: string[]): boolean {
  const raw = nonEmpty(env[name])?.toLowerCase();
  if (raw === undefined) return fallback;
  if (['true', '1', 'yes', 'on'].includes(raw)) return true;
  if (['false', '0', 'no', 'off'].includes(raw)) return false;
  problems.push(`${name} must be true or false (got "${env[name]}")`);
  return fallback;
}

/** Hex or base64 (standard or URL-safe), at least 32 bytes once decoded. */
export function parseKey(raw: string): Buffer | undefined {
  let key: Buffer | undefined;
  if (/^[0-9a-fA-F]+$/.test(raw) && raw.length % 2 === 0) key = Buffer.from(raw, 'hex');
  else if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(raw)) key = Buffer.from(raw, 'base64');
  return key && key.length >= 32 ? key : undefined;
}

/**
 * Outside production a missing key is generated once and kept beside the
 * embedded database, readable by the owner only, so app passwords keep working
 * across restarts.
 */
function developmentLookupKey(dataDir: string): { key: Buffer; source: 'generated' | 'data-dir' } {
  const file = path.join(dataDir, 'app-password-lookup.key');
  if (existsSync(file)) {
    const key = parseKey(readFileSync(file, 'utf8').trim());
    if (!key) throw new ConfigError([`${file} does not hold a valid key; delete it to generate a new one`]);
    return { key, source: 'data-dir' };
  }
  mkdirSync(dataDir, { recursive: true, mode: 0o755 });
  const key = randomBytes(32);
  writeFileSync(file, `${key.toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(file, 0o600);
  return { key, source: 'generated' };
}
