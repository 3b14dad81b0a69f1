/**
 * Proof that no secret reaches a log. Every secret a test makes or sends
 * (primary passwords, app passwords, API tokens, session cookies, the
 * Authorization headers carrying them, the lookup key) is recorded here, and
 * every line every test server logs is written beside them, both under the
 * run's directory (one file per worker process). At the end of the run the
 * global teardown (global-setup.ts) scans every log for every secret and
 * fails the run on a find.
 */
import { appendFileSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { threadId } from 'node:worker_threads';
import { inject } from 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Where this run's recorded secrets and server logs go. */
    runDir: string;
  }
}

/** Shorter values could turn up in a log by chance (and are no secret worth the name). */
const MIN_SECRET_LENGTH = 8;
const SECRETS_FILE = /^secrets-.*\.jsonl$/;
/** Our servers' JSON lines, and the plain logs of the proxies in front of them (support/proxies.ts). */
const LOG_FILE = /^server-log-.*\.(jsonl|log)$/;

const recorded = new Set<string>();

/** Records a secret this test made or sent. `dir` defaults to the run's directory. */
export function recordSecret(value: string | null | undefined, dir = inject('runDir')): void {
  if (!value || value.length < MIN_SECRET_LENGTH || recorded.has(`${dir}\0${value}`)) return;
  recorded.add(`${dir}\0${value}`);
  appendFileSync(path.join(dir, `secrets-${process.pid}-${threadId}.jsonl`), `${JSON.stringify(value)}\n`);
}

/** The secret part of an Authorization header (`Basic <base64>`, `Bearer <token>`), and a Basic header's password. */
export function recordAuthorization(header: string | undefined): void {
  if (!header) return;
  const [scheme, credentials] = header.split(/\s+/, 2);
  recordSecret(credentials);
  if (scheme?.toLowerCase() === 'basic' && credentials) {
    const decoded = Buffer.from(credentials, 'base64').toString('utf8');
    recordSecret(decoded.slice(decoded.indexOf(':') + 1));
  }
}

/** The value of each `name=value` pair of a Cookie or Set-Cookie header (session tokens). */
export function recordCookies(header: string | null | undefined): void {
  for (const pair of header?.split(/[;,]\s*/) ?? []) {
    const value = pair.slice(pair.indexOf('=') + 1);
    if (pair.includes('=')) recordSecret(value);
  }
}

/**
 * A key that holds a secret in GraphQL variables or results: `password`,
 * `newPassword`, `token`, a TOTP `secret`, `recoveryCodes`, the second step's
 * `code` (six-digit codes are too short to count; recovery codes are not).
 */
const SECRET_KEY = /(password|token|secret|recoveryCodes|code)$/i;

/** Records the secrets in GraphQL variables or a result (`createAppPassword.password`, `createApiToken.token`, sign-in inputs). */
export function recordSecretsIn(value: unknown): void {
  if (Array.isArray(value)) {
    for (const item of value) recordSecretsIn(item);
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      if (typeof item === 'string' && SECRET_KEY.test(key)) recordSecret(item);
      else if (Array.isArray(item) && SECRET_KEY.test(key)) for (const each of item) recordSecret(typeof each === 'string' ? each : null);
      else recordSecretsIn(item);
    }
  }
}

/** The file a test server in this worker appends its log lines to. */
export function serverLogFile(dir = inject('runDir')): string {
  return path.join(dir, `server-log-${process.pid}-${threadId}.jsonl`);
}

export interface Leak {
  file: string;
  /** 1-based. */
  line: number;
  /** The log line with the secret blanked out, so the report does not leak it again. */
  text: string;
  /** Enough of the secret to find it in the test that made it. */
  hint: string;
}

export interface ScanResult {
  secrets: number;
  logLines: number;
  leaks: Leak[];
}

/** Scans every log file in `dir` for every secret recorded there. */
export function scanForLeaks(dir: string): ScanResult {
  const files = readdirSync(dir);
  const secrets = new Set<string>();
  for (const file of files.filter((f) => SECRETS_FILE.test(f))) {
    for (const line of readFileSync(path.join(dir, file), 'utf8').split('\n')) if (line) secrets.add(JSON.parse(line));
  }
  const logs = files.filter((f) => LOG_FILE.test(f)).map((file) => ({ file, text: readFileSync(path.join(dir, file), 'utf8') }));
  return {
    secrets: secrets.size,
    logLines: logs.reduce((n, log) => n + log.text.split('\n').filter(Boolean).length, 0),
    leaks: logs.flatMap((log) => findSecrets(log.text, secrets).map((leak) => ({ file: log.file, ...leak }))),
  };
}

/**
 * Every line of `text` that holds one of `secrets`, as written or as it
 * looks inside a JSON string. Indexed by each secret's first characters, so
 * the text is read once however many secrets there are.
 */
export function findSecrets(text: string, secrets: Iterable<string>): Array<Omit<Leak, 'file'>> {
  const byPrefix = new Map<string, string[]>();
  for (const secret of secrets) {
    for (const form of new Set([secret, JSON.stringify(secret).slice(1, -1)])) {
      const prefix = form.slice(0, MIN_SECRET_LENGTH);
      byPrefix.set(prefix, [...(byPrefix.get(prefix) ?? []), form]);
    }
  }
  const leaks: Array<Omit<Leak, 'file'>> = [];
  text.split('\n').forEach((line, index) => {
    const found = new Set<string>();
    for (let i = 0; i + MIN_SECRET_LENGTH <= line.length; i++) {
      for (const form of byPrefix.get(line.slice(i, i + MIN_SECRET_LENGTH)) ?? []) if (line.startsWith(form, i)) found.add(form);
    }
    if (found.size === 0) return;
    // Longest first, so a secret inside another (a password inside its Basic header's text) is blanked with it.
    const forms = [...found].sort((a, b) => b.length - a.length);
    const blanked = forms.reduce((t, form) => t.split(form).join('[SECRET]'), line);
    leaks.push({ line: index + 1, text: blanked, hint: forms.map((f) => `${f.slice(0, 4)}… (${f.length} characters)`).join(', ') });
  });
  return leaks;
}
