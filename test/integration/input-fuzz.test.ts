import http from 'node:http';
import net from 'node:net';
import {
  buildClientSchema,
  getIntrospectionQuery,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isLeafType,
  isListType,
  isNonNullType,
  isScalarType,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLSchema,
  type IntrospectionQuery,
} from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode, SignInDocument } from '@app-passwords/schema';
import { basic, createAppPassword, mapLimit, randomIp, signInEventsByIp } from '../support/app-passwords.js';
import { createAdmin, createTenant, createUser, signedInClient } from '../support/factories.js';
import { GraphQLClient } from '../support/graphql-client.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

/**
 * Every text a client can hand the GraphQL API, fuzzed: for each query and
 * mutation, each argument and input field that carries text (String, ID and
 * the string-shaped scalars, in lists and nested inputs too) gets control
 * characters at every position, NUL, DEL, C1, lone surrogates, 10 kB strings,
 * unicode, cursor-shaped values and wrong types, from an anonymous caller, a
 * signed-in user and a tenant admin. The schema is read by introspection, so
 * an input added tomorrow is fuzzed tomorrow.
 *
 * The values are deterministic (a seeded generator) and are nobody's secret:
 * no account has them as a password, so they are not recorded for the log scan.
 *
 * Below it, the same rule where text arrives otherwise: NUL in signIn (the
 * case that was a 500), the CSV exports' query strings, and header bytes.
 */

let server: TestServer;
let schema: GraphQLSchema;
let agent: http.Agent;

beforeAll(async () => {
  // Trusts 127.0.0.1 as a proxy: each caller's failed sign-ins count against its own X-Forwarded-For address.
  server = await startTestServer({ trustedProxies: ['127.0.0.1'] });
  agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
  const introspection = await post({ query: getIntrospectionQuery() }, {});
  schema = buildClientSchema(introspection.json.data as IntrospectionQuery);
});
afterAll(async () => {
  agent?.destroy();
  await server?.close();
});

// ---------------------------------------------------------------------------------------------------------------------
// Sending

interface Answer {
  status: number;
  json: { data?: unknown; errors?: Array<{ message: string; extensions?: { code?: string; field?: string } }> };
}

/** One POST to /graphql over the keep-alive agent, with the caller's headers. */
function post(body: object, headers: Record<string, string>): Promise<Answer> {
  const payload = Buffer.from(JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const request = http.request(
      `${server.url}/graphql`,
      {
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': String(payload.length), ...headers },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: Answer['json'] = {};
          try {
            json = JSON.parse(text);
          } catch {
            // not JSON: the status says enough
          }
          resolve({ status: response.statusCode!, json });
        });
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(payload);
  });
}

// ---------------------------------------------------------------------------------------------------------------------
// Where text goes in

type PathItem = string | number;

interface Location {
  operation: 'query' | 'mutation';
  field: GraphQLField<unknown, unknown>;
  /** From the argument's name down to the text, e.g. ['input', 'filter', 'ownerIds', 0]. */
  path: PathItem[];
  /** The scalar's name: String, ID, DateTimeISO… */
  scalar: string;
}

const NOT_TEXT = new Set(['Int', 'Float', 'Boolean']);

/** Every place in every root field's arguments where a string can go. */
function textLocations(s: GraphQLSchema): Location[] {
  const locations: Location[] = [];
  const walk = (
    operation: Location['operation'],
    field: GraphQLField<unknown, unknown>,
    type: GraphQLInputType,
    path: PathItem[],
    seen: string[],
  ) => {
    if (isNonNullType(type)) return walk(operation, field, type.ofType, path, seen);
    if (isListType(type)) return walk(operation, field, type.ofType, [...path, 0], seen);
    if (isInputObjectType(type)) {
      if (seen.includes(type.name)) return; // a recursive input: once is enough
      for (const inner of Object.values(type.getFields())) walk(operation, field, inner.type, [...path, inner.name], [...seen, type.name]);
      return;
    }
    if (isScalarType(type) && !NOT_TEXT.has(type.name)) locations.push({ operation, field, path, scalar: type.name });
  };
  for (const [operation, root] of [
    ['query', s.getQueryType()],
    ['mutation', s.getMutationType()],
  ] as const) {
    for (const field of Object.values(root?.getFields() ?? {})) {
      for (const arg of field.args) walk(operation, field, arg.type, [arg.name], []);
    }
  }
  return locations;
}

const FIXED_ID = '0f1e2d3c-4b5a-4697-8877-665544332211';

/** A plain, valid value of a type: what a field's other required inputs get while one of them is fuzzed. */
function plainValue(type: GraphQLInputType): unknown {
  if (isNonNullType(type)) return plainValue(type.ofType);
  if (isListType(type)) return [plainValue(type.ofType)];
  if (isEnumType(type)) return type.getValues()[0]!.name;
  if (isInputObjectType(type)) {
    const value: Record<string, unknown> = { ...OVERRIDES[type.name] };
    for (const inner of Object.values(type.getFields())) {
      if (isNonNullType(inner.type) && inner.defaultValue === undefined) value[inner.name] = plainValue(inner.type);
    }
    return value;
  }
  switch (getNamedType(type).name) {
    case 'Int':
    case 'Float':
      return 1;
    case 'Boolean':
      return false;
    case 'ID':
      return FIXED_ID;
    case 'DateTimeISO':
      return '2026-01-01T00:00:00.000Z';
    default:
      return 'fuzz';
  }
}

/** Siblings that keep a fuzzed value from doing more than it needs to (a bulk revoke only counts). */
const OVERRIDES: Record<string, Record<string, unknown>> = {
  RevokeAppPasswordsInput: { dryRun: true },
};

/** The argument's value with `leaf` at `path` and the least around it that the type requires. */
function valueWith(type: GraphQLInputType, path: PathItem[], leaf: unknown): unknown {
  if (isNonNullType(type)) return valueWith(type.ofType, path, leaf);
  if (path.length === 0) return leaf;
  if (isListType(type)) return [valueWith(type.ofType, path.slice(1), leaf)];
  if (isInputObjectType(type)) {
    const inner = type.getFields()[path[0] as string]!;
    return { ...(plainValue(type) as object), [inner.name]: valueWith(inner.type, path.slice(1), leaf) };
  }
  throw new Error(`cannot go into ${String(type)}`);
}

/** The operation that sends `leaf` to one location, with every required argument filled in. */
function requestFor(location: Location, leaf: unknown): { query: string; variables: Record<string, unknown>; operationName: string } {
  const { field, path } = location;
  const variables: Record<string, unknown> = {};
  const definitions: string[] = [];
  const args: string[] = [];
  for (const arg of field.args) {
    if (arg.name === path[0]) variables[arg.name] = valueWith(arg.type, path.slice(1), leaf);
    else if (isNonNullType(arg.type) && arg.defaultValue === undefined) variables[arg.name] = plainValue(arg.type);
    else continue;
    definitions.push(`$${arg.name}: ${String(arg.type)}`);
    args.push(`${arg.name}: $${arg.name}`);
  }
  const selection = isLeafType(getNamedType(field.type)) ? '' : ' { __typename }';
  const operationName = `Fuzz_${field.name}`;
  return {
    query: `${location.operation} ${operationName}(${definitions.join(', ')}) { ${field.name}(${args.join(', ')})${selection} }`,
    variables,
    operationName,
  };
}

// ---------------------------------------------------------------------------------------------------------------------
// What to send

/** mulberry32: a small seeded generator, so every run sends the same cases. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Case {
  label: string;
  value: unknown;
  /** Holds a character no text of this API may hold: must be refused as BAD_USER_INPUT naming the field. */
  refused: boolean;
}

const hex = (c: string) => `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
/** Unicode's Cc: C0 (NUL … U+001F, tab and line breaks included), DEL and C1 (U+0080 … U+009F). */
const CONTROLS = [
  ...Array.from({ length: 32 }, (_, i) => String.fromCharCode(i)),
  '\u007f',
  ...Array.from({ length: 32 }, (_, i) => String.fromCharCode(0x80 + i)),
];
const LONE_SURROGATES = ['\ud800', '\udbff', '\udc00', '\udfff'];
const cursor = (key: unknown, id: unknown) => Buffer.from(JSON.stringify([key, id])).toString('base64url');

function insertAt(text: string, at: number, c: string): string {
  return `${text.slice(0, at)}${c}${text.slice(at)}`;
}

/**
 * About 85 values for the location numbered `index`: a control character at
 * every position of a text (24 different ones per location, so every one of the
 * 65 across any three locations), then NUL, DEL and C1 the ways they really
 * arrive, lone surrogates, long text, unicode, ids and cursors that parse but
 * are wrong, and wrong types. `random` places the surrogates.
 */
function casesFor(index: number, random: () => number): Case[] {
  const base = 'fuzz-value@example.test';
  const position = () => Math.floor(random() * (base.length + 1));
  const cases: Case[] = [];
  for (let at = 0; at <= base.length; at++) {
    const c = CONTROLS[(index * (base.length + 1) + at) % CONTROLS.length]!;
    cases.push({ label: `${hex(c)} at ${at}`, value: insertAt(base, at, c), refused: true });
  }
  cases.push(
    { label: 'NUL alone', value: '\u0000', refused: true },
    { label: 'NULs only', value: '\u0000'.repeat(64), refused: true },
    { label: 'NUL-terminated', value: `${base}\u0000`, refused: true },
    { label: 'NUL then SQL', value: `\u0000' OR 1=1 --`, refused: true },
    { label: 'DEL alone', value: '\u007f', refused: true },
    { label: 'NEL (C1) in a name', value: 'Thunderbird\u0085laptop', refused: true },
    { label: 'CSI (C1)', value: '\u009b31m red', refused: true },
    { label: 'ANSI escape', value: '\u001b[2J\u001b[31mhello', refused: true },
    { label: 'CRLF header injection', value: 'x\r\nSet-Cookie: a=b', refused: true },
    { label: 'tab', value: 'a\tb', refused: true },
    { label: 'newline at the end', value: `${base}\n`, refused: true },
    { label: '10 kB then NUL', value: `${'a'.repeat(10_240)}\u0000`, refused: true },
  );
  // Lone surrogates: JSON can carry them, UTF-8 cannot.
  for (const s of LONE_SURROGATES) {
    const at = position();
    cases.push({ label: `${hex(s)} at ${at}`, value: insertAt(base, at, s), refused: true });
  }
  cases.push(
    { label: 'a lone surrogate alone', value: LONE_SURROGATES[index % LONE_SURROGATES.length]!, refused: true },
    { label: 'surrogates swapped', value: 'a\udc00\ud800b', refused: true },
  );
  cases.push(
    { label: '10 kB ASCII', value: 'a'.repeat(10_240), refused: false },
    { label: '10 kB of 日 (30 kB UTF-8)', value: '日'.repeat(10_240), refused: false },
    { label: '10 kB of emoji', value: '😀'.repeat(5_120), refused: false },
    { label: '10 kB email-like', value: `${'a'.repeat(10_220)}@example.test`, refused: false },
    { label: '100 kB ASCII', value: 'b'.repeat(102_400), refused: false },
  );
  // Unicode that is fine, also characters that look odd but are not control characters; text that means something elsewhere.
  for (const text of [
    'Ünïcödé 日本語 עברית ومرحبا',
    '👨‍👩‍👧‍👦 family',
    'e\u0301\u0301\u0301 combining',
    '\u202eright-to-left override',
    'zero\u200bwidth\ufeff',
    '\uffff noncharacter \u{10ffff}',
    '\u00a0no-break\u2028separator',
    'İstanbul ß ǅ',
    '',
    '  padded  ',
    `'; DROP TABLE users; --`,
    '%_\\',
    '<script>alert(1)</script>',
  ]) {
    cases.push({ label: `text ${JSON.stringify(text).slice(0, 30)}`, value: text, refused: false });
  }
  cases.push(
    { label: 'a UUID nobody has', value: '7e57f0e2-0000-4000-8000-000000000000', refused: false },
    { label: 'UUID in upper case', value: FIXED_ID.toUpperCase(), refused: false },
    { label: 'UUID with braces', value: `{${FIXED_ID}}`, refused: false },
    { label: 'past bigint', value: '9223372036854775808', refused: false },
    { label: 'cursor: NUL key', value: cursor('\u0000', FIXED_ID), refused: false },
    { label: 'cursor: NUL id', value: cursor('2026-01-01 00:00:00+00', '\u0000'), refused: false },
    { label: 'cursor: key "1"', value: cursor('1', FIXED_ID), refused: false },
    { label: 'cursor: key "1", bigint id', value: cursor('1', '42'), refused: false },
    { label: 'cursor: 30 February', value: cursor('2026-02-30 00:00:00+00', '42'), refused: false },
    { label: 'cursor: year 0', value: cursor('0000-01-01 00:00:00+00', FIXED_ID), refused: false },
    { label: 'cursor: 19 digits past bigint', value: cursor('2026-01-01 00:00:00+00', '9999999999999999999'), refused: false },
    { label: 'cursor: 10 kB key', value: cursor('k'.repeat(10_240), FIXED_ID), refused: false },
    { label: 'cursor: lone surrogate key', value: cursor('\ud800', FIXED_ID), refused: false },
    { label: 'cursor: nested', value: cursor([1], { a: 1 }), refused: false },
    { label: 'date-time year 0', value: '0000-01-01T00:00:00Z', refused: false },
    { label: 'time zone POSIX', value: 'UTC+3', refused: false },
  );
  for (const [label, value] of [
    ['number', 42],
    ['huge number', 2 ** 64],
    ['true', true],
    ['null', null],
    ['object', { a: 'b' }],
    ['list of text', ['a', 'b']],
  ] as const) {
    cases.push({ label: `wrong type: ${label}`, value, refused: false });
  }
  return cases;
}

// ---------------------------------------------------------------------------------------------------------------------

const pathText = (path: PathItem[]) => path.join('.');

/** Log lines at error or fatal level, in short. */
function errorLines(lines: string[]): string[] {
  return lines
    .map((line) => JSON.parse(line))
    .filter((entry) => entry.level === 'error' || entry.level === 'fatal')
    .map((entry) => `${entry.msg}: ${entry.err?.message ?? ''}`.slice(0, 300));
}

describe('every text input of the GraphQL API, fuzzed', () => {
  it(
    'answers over 10 000 hostile values from anonymous callers, users and admins without a server error, ' +
      'and refuses control characters and lone surrogates as BAD_USER_INPUT naming the field',
    async () => {
      const tenant = await createTenant(server.db);
      const [user, admin] = await Promise.all([createUser(server.db, tenant), createAdmin(server, tenant)]);
      const [userClient, adminClient] = await Promise.all([signedInClient(server, user), signedInClient(server, admin)]);
      const callers: Array<{ name: string; headers: Record<string, string> }> = [
        { name: 'anonymous', headers: { 'x-forwarded-for': '203.0.113.71' } },
        { name: 'user', headers: { cookie: userClient.cookie!, 'x-forwarded-for': '203.0.113.72' } },
        { name: 'admin', headers: { cookie: adminClient.cookie!, 'x-forwarded-for': '203.0.113.73' } },
      ];

      const locations = textLocations(schema);
      // Everything the console and the admin API take as text is in there.
      expect(locations.map((l) => `${l.field.name}(${pathText(l.path)})`)).toEqual(
        expect.arrayContaining([
          'signIn(input.email)',
          'createAppPassword(input.name)',
          'revokeAppPasswords(input.ids.0)',
          'users(filter.search)',
        ]),
      );

      const random = seeded(0x5eed);
      const jobs = locations.flatMap((location, index) =>
        casesFor(index, random).flatMap((c) => callers.map((caller) => ({ location, caller, c, body: requestFor(location, c.value) }))),
      );
      expect(jobs.length).toBeGreaterThan(10_000);

      const answers = await mapLimit(jobs, 16, (job) => post(job.body, job.caller.headers));

      const wrong: string[] = [];
      answers.forEach((answer, i) => {
        const { location, caller, c } = jobs[i]!;
        const where = `${caller.name} ${location.field.name}(${pathText(location.path)}) ${c.label}`;
        const codes = (answer.json.errors ?? []).map((e) => e.extensions?.code);
        const known = Object.values(ErrorCode) as string[];
        if (
          answer.status >= 500 ||
          codes.includes(ErrorCode.INTERNAL_SERVER_ERROR) ||
          codes.some((code) => !code || !known.includes(code))
        ) {
          wrong.push(`${where}: HTTP ${answer.status} ${codes.join(',')}`);
          return;
        }
        if (!c.refused) return;
        const error = answer.json.errors?.[0];
        const code = error?.extensions?.code;
        if (location.scalar !== 'String' && location.scalar !== 'ID') {
          // Another scalar (a date-time) refuses what it cannot parse before anything runs.
          if (code !== ErrorCode.BAD_USER_INPUT) wrong.push(`${where}: ${code} instead of BAD_USER_INPUT`);
          return;
        }
        // Named by its path, never repeated: it may be a password.
        const refusedAsInput =
          code === ErrorCode.BAD_USER_INPUT &&
          error?.extensions?.field === pathText(location.path) &&
          !error.message.includes('fuzz-value');
        // Anonymous callers and users may be turned away before their input is looked at; an admin may call everything.
        const turnedAway = caller.name !== 'admin' && (code === ErrorCode.UNAUTHENTICATED || code === ErrorCode.FORBIDDEN);
        if (!refusedAsInput && !turnedAway)
          wrong.push(`${where}: ${code} field=${error?.extensions?.field} instead of BAD_USER_INPUT naming the field`);
      });
      expect({ cases: jobs.length, wrong: wrong.slice(0, 40), wrongCount: wrong.length }).toEqual({
        cases: jobs.length,
        wrong: [],
        wrongCount: 0,
      });

      expect(errorLines(server.logs)).toEqual([]);

      // The callers are still signed in: nothing they sent broke their sessions.
      const viewer = { query: '{ viewer { email } }' };
      expect((await post(viewer, callers[1]!.headers)).json.data).toEqual({ viewer: { email: user.email } });
      expect((await post(viewer, callers[2]!.headers)).json.data).toEqual({ viewer: { email: admin.email } });
    },
    120_000,
  );
});

describe('signIn with a NUL byte in the email', () => {
  it('is BAD_USER_INPUT naming input.email, every time, with no log line but the access line and no throttle point; real attempts are throttled as before', async () => {
    const tenant = await createTenant(server.db);
    const user = await createUser(server.db, tenant);
    const ip = randomIp();
    const client = new GraphQLClient(server.url);
    client.headers['x-forwarded-for'] = ip;
    const logged = server.logs.length;

    // More than the 10 failures a name and address may have: none of these counts as one.
    for (let i = 0; i < 12; i++) {
      const result = await client.request(SignInDocument, { input: { email: `${user.email}\u0000`, password: user.password } });
      expect(result.status).toBe(200);
      expect(result.errors).toEqual([
        expect.objectContaining({
          message: 'input.email must not contain control characters (such as NUL, tab or a line break).',
          extensions: { code: ErrorCode.BAD_USER_INPUT, field: 'input.email' },
        }),
      ]);
    }
    const lines = server.logs.slice(logged).map((line) => JSON.parse(line));
    expect(lines.map((l) => [l.level, l.msg, l.status])).toEqual(Array(12).fill(['info', 'request completed', 200]));
    expect(await server.db.query(`SELECT key FROM sign_in_throttles WHERE key LIKE $1`, [`console:%${ip}`])).toEqual([]);

    // The real password still signs in from this address; then wrong passwords are throttled as ever: 10, then RATE_LIMITED.
    const signedIn = await client.request(SignInDocument, { input: { email: user.email, password: user.password } });
    expect(signedIn.data?.signIn.viewer).toMatchObject({ email: user.email });
    const wrong = new GraphQLClient(server.url);
    wrong.headers['x-forwarded-for'] = ip;
    const codes: Array<string | undefined> = [];
    for (let i = 0; i < 11; i++) {
      codes.push(
        GraphQLClient.code(await wrong.request(SignInDocument, { input: { email: user.email, password: `wrong password ${i}` } })),
      );
    }
    expect(codes).toEqual([...Array(10).fill(ErrorCode.UNAUTHENTICATED), ErrorCode.RATE_LIMITED]);
    expect(errorLines(server.logs.slice(logged))).toEqual([]);
  });
});

describe('the CSV exports', () => {
  it('refuse control characters in their filters as BAD_USER_INPUT naming the parameter, not with a server error', async () => {
    const tenant = await createTenant(server.db);
    const admin = await createAdmin(server, tenant);
    const { cookie } = await signedInClient(server, admin);
    const logged = server.logs.length;
    const answers: string[] = [];
    for (const [path, parameter] of [
      ['audit.csv', 'action'],
      ['audit.csv', 'actorUserId'],
      ['audit.csv', 'from'],
      ['sign-ins.csv', 'userId'],
      ['sign-ins.csv', 'outcome'],
    ]) {
      for (const value of ['%00', 'a%00b', '%09', '%C2%85', '%7F']) {
        const response = await fetch(`${server.url}/export/${path}?${parameter}=${value}`, { headers: { cookie: cookie! } });
        const body = await response.json();
        answers.push(
          `${path} ${parameter}=${value}: ${response.status} ${body.errors[0].extensions.code} ${body.errors[0].extensions.field}`,
        );
      }
    }
    expect(answers.filter((a) => !/: 400 BAD_USER_INPUT (action|actorUserId|from|userId|outcome)$/.test(a))).toEqual([]);
    expect(errorLines(server.logs.slice(logged))).toEqual([]);
  });
});

describe('odd bytes in headers', () => {
  /** Every byte a client can put into a header value but CR and LF (which end it). */
  const BYTES = Array.from({ length: 256 }, (_, b) => b).filter((b) => b !== 0x0a && b !== 0x0d);

  /** Writes one request (`connection: close`) with raw header bytes on its own connection; the status, or 'reset'. */
  function raw(head: Buffer): Promise<number | 'reset'> {
    const { hostname, port } = new URL(server.url);
    return new Promise((resolve, reject) => {
      const socket = net.connect(Number(port), hostname);
      const chunks: Buffer[] = [];
      // write, not end: a half-closed connection makes node:http abort a request still being answered
      socket.on('connect', () => socket.write(head));
      socket.on('data', (chunk) => chunks.push(chunk));
      socket.on('error', (error: NodeJS.ErrnoException) =>
        error.code === 'ECONNRESET' || error.code === 'EPIPE' ? undefined : reject(error),
      );
      socket.on('close', () => {
        const status = /^HTTP\/1\.1 (\d{3})/.exec(Buffer.concat(chunks).toString('latin1'))?.[1];
        resolve(status ? Number(status) : 'reset');
      });
    });
  }

  const request = (lines: string[], header: string, value: Buffer, body = '') =>
    Buffer.concat([
      Buffer.from(`${lines.join('\r\n')}\r\n${header}: `, 'latin1'),
      value,
      Buffer.from(`\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`, 'utf8'),
    ]);

  it('never answer 5xx nor log an error: User-Agent, X-Request-Id, X-Forwarded-For and Cookie, on GraphQL and /auth/basic', async () => {
    const tenant = await createTenant(server.db);
    const user = await createUser(server.db, tenant);
    const { password } = await createAppPassword(server, user);
    const authorization = basic(user.email, password);
    const { cookie } = await signedInClient(server, user);
    const graphql = ['POST /graphql HTTP/1.1', 'host: x', 'content-type: application/json', `cookie: ${cookie}`];
    const forwardAuth = ['GET /auth/basic HTTP/1.1', 'host: x', `authorization: ${authorization}`];
    // One check first, so the app password is remembered and the burst below needs no argon2 (which would answer "busy").
    expect(await raw(request(forwardAuth, 'x-test', Buffer.from('warm')))).toBe(204);
    const logged = server.logs.length;
    const body = JSON.stringify({ query: '{ viewer { email } }' });

    const jobs = ['user-agent', 'x-request-id', 'x-forwarded-for', 'cookie'].flatMap((header) =>
      BYTES.flatMap((b) => {
        const value = Buffer.from([0x61, b, 0x62]);
        return [
          request(
            graphql.filter((l) => !(header === 'cookie' && l.startsWith('cookie'))),
            header,
            value,
            body,
          ),
          request(forwardAuth, header, value),
        ];
      }),
    );
    const statuses = await mapLimit(jobs, 16, raw);
    const counts: Record<string, number> = {};
    for (const status of statuses) counts[status] = (counts[status] ?? 0) + 1;
    // Node's parser refuses the control bytes but tab itself (400, or a reset when it closes before the client has
    // finished writing); every other byte is answered as usual: 200 on GraphQL, 204 from the remembered app password.
    const refusedByNode = BYTES.filter((b) => (b < 0x20 ? b !== 0x09 : b === 0x7f)).length * 8;
    expect(counts).toEqual({
      200: jobs.length / 2 - refusedByNode / 2,
      204: jobs.length / 2 - refusedByNode / 2,
      ...(counts[400] ? { 400: counts[400] } : {}),
      ...(counts.reset ? { reset: counts.reset } : {}),
    });
    expect((counts[400] ?? 0) + (counts.reset ?? 0)).toBe(refusedByNode);
    expect(errorLines(server.logs.slice(logged))).toEqual([]);
  }, 60_000);

  it('store a User-Agent as readable text without control characters, however the bytes come', async () => {
    const tenant = await createTenant(server.db);
    const user = await createUser(server.db, tenant);
    const { password } = await createAppPassword(server, user);
    const authorization = basic(user.email, password);
    const ip = randomIp();
    const lines = ['GET /auth/basic HTTP/1.1', 'host: x', `authorization: ${authorization}`];
    expect(await raw(request(lines, 'user-agent', Buffer.from('warm')))).toBe(204); // remembered from now on: no argon2 below
    lines.push(`x-forwarded-for: ${ip}`);
    const agents = [
      ...BYTES.map((b) => Buffer.from([0x61, b, 0x62])),
      Buffer.from('Mail für Jürgen/1.0 (日本)', 'utf8'),
      Buffer.from(`Long/${'😀'.repeat(400)}`, 'utf8'),
    ];
    const statuses = await mapLimit(agents, 16, (agent) => raw(request(lines, 'user-agent', agent)));
    // Whatever Node let through was checked and logged.
    expect(statuses.filter((s) => s !== 204 && s !== 400 && s !== 'reset')).toEqual([]);

    const rows = await signInEventsByIp(server, ip);
    expect(rows.reduce((sum, row) => sum + row.attempts, 0)).toBe(statuses.filter((s) => s === 204).length);
    const stored = rows.map((row) => row.user_agent ?? '');
    expect(stored.filter((agent) => /[\p{Cc}\p{Cs}]/u.test(agent))).toEqual([]);
    expect(stored).toContain('Mail für Jürgen/1.0 (日本)');
    expect(stored).toContain('a\ufffdb'); // tab, C1 and bytes that are not UTF-8 alike
    expect(Math.max(...stored.map((agent) => agent.length))).toBeLessThanOrEqual(512);
  });
});
