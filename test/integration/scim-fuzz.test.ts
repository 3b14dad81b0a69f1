import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { ERROR_SCHEMA, scimTenant, USER_SCHEMA, userName, type Scim, type ScimResponse } from '../support/scim.js';

/**
 * Whatever an identity provider (or anyone holding a SCIM token) sends, the
 * answer is a SCIM answer and never a 500: random and malformed bodies,
 * filters and paths, wrong types, huge and deeply nested JSON. The generator
 * is seeded, so a failure names the seed that reproduces it.
 */
let server: TestServer;
let scim: Scim;
let userId: string;
const SEED = Number(process.env.SCIM_FUZZ_SEED ?? 20261206);

beforeAll(async () => {
  server = await startTestServer();
  ({ scim } = await scimTenant(server));
  const created = await scim('POST', '/Users', { schemas: [USER_SCHEMA], userName: userName('fuzz') });
  userId = created.body.id;
});
afterAll(async () => {
  await server.close();
});

/** mulberry32: small, seeded, good enough to pick cases. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const next = random(SEED);
const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
const KEYS = [
  'userName',
  'USERNAME',
  'active',
  'displayName',
  'name',
  'givenName',
  'familyName',
  'emails',
  'externalId',
  'schemas',
  'Operations',
  'op',
  'path',
  'value',
  'type',
  'primary',
  'id',
  'meta',
  '__proto__',
  'constructor',
  '',
];
const TEXT = [
  '',
  ' ',
  'x',
  'True',
  'FALSE',
  'a@b.example',
  'emails[type eq "work"].value',
  'name.givenName',
  '\u0000',
  '\ud800',
  'é',
  '"',
  '\\',
  '[',
  ']',
  'x'.repeat(300),
  'urn:ietf:params:scim:schemas:core:2.0:User:userName',
];

function value(depth: number): unknown {
  const kind = depth > 3 ? pick(['text', 'number', 'bool', 'null']) : pick(['text', 'number', 'bool', 'null', 'array', 'object', 'object']);
  switch (kind) {
    case 'text':
      return next() < 0.3 ? userName('f') : pick(TEXT);
    case 'number':
      return pick([0, -1, 1.5, 1e308, Number.MAX_SAFE_INTEGER]);
    case 'bool':
      return next() < 0.5;
    case 'null':
      return null;
    case 'array':
      return Array.from({ length: Math.floor(next() * 4) }, () => value(depth + 1));
    default:
      return Object.fromEntries(Array.from({ length: Math.floor(next() * 5) }, () => [pick(KEYS), value(depth + 1)]));
  }
}

function operation(): unknown {
  if (next() < 0.2) return value(1);
  const op: Record<string, unknown> = { op: pick(['add', 'Replace', 'REMOVE', 'remove', 'move', '', 5, null]) };
  if (next() < 0.8) op.path = next() < 0.5 ? pick(TEXT) : randomPath();
  if (next() < 0.8) op.value = value(1);
  return op;
}

const PATH_PARTS = [
  'userName',
  'active',
  'emails',
  '[',
  ']',
  'type',
  ' eq ',
  ' and ',
  ' or ',
  '"work"',
  '.value',
  '.',
  'name',
  'givenName',
  ' pr',
  '(',
  ')',
  'not',
  ' ',
  'urn:x:y',
  ':',
  'true',
  '12',
  '"\\u00"',
];
const randomPath = () => Array.from({ length: 1 + Math.floor(next() * 8) }, () => pick(PATH_PARTS)).join('');

function expectScimAnswer(response: ScimResponse, what: string): void {
  expect(response.status, what).toBeLessThan(500);
  expect(response.headers.get('content-type'), what).toMatch(/^application\/scim\+json/);
  if (response.status >= 400) {
    expect(response.body, what).toMatchObject({ schemas: [ERROR_SCHEMA], status: String(response.status) });
    expect(typeof response.body.detail, what).toBe('string');
  }
}

describe('SCIM under random and malformed input', () => {
  it(`answers random bodies, filters and paths in SCIM's format, never with a 500 (seed ${SEED})`, async () => {
    for (let i = 0; i < 300; i++) {
      const target = next() < 0.5 ? userId : pick(['not-a-uuid', '00000000-0000-4000-8000-000000000000', '%00', '..', 'x'.repeat(200)]);
      const kind = pick(['post', 'put', 'patch', 'patch', 'filter', 'paging']);
      let response: ScimResponse;
      let what: string;
      if (kind === 'post' || kind === 'put') {
        const body = next() < 0.7 ? { ...(value(3) as object), userName: next() < 0.6 ? userName('p') : value(3) } : value(0);
        what = `${kind} ${JSON.stringify(body)}`;
        response = await scim(kind === 'post' ? 'POST' : 'PUT', kind === 'post' ? '/Users' : `/Users/${encodeURIComponent(target)}`, body);
      } else if (kind === 'patch') {
        const body =
          next() < 0.8
            ? {
                schemas: [pick(['urn:ietf:params:scim:api:messages:2.0:PatchOp', 'x'])],
                Operations: Array.from({ length: Math.floor(next() * 4) }, operation),
              }
            : value(0);
        what = `patch ${JSON.stringify(body)}`;
        response = await scim('PATCH', `/Users/${encodeURIComponent(target)}`, body);
      } else if (kind === 'filter') {
        const filter =
          next() < 0.5
            ? randomPath()
            : `${randomPath()} ${pick(['eq', 'sw', 'EQ', 'pr', 'xx'])} ${pick(['"a"', 'true', '1', 'null', '"', ''])}`;
        what = `filter ${filter}`;
        response = await scim('GET', `/Users?filter=${encodeURIComponent(filter)}`);
      } else {
        const query = `startIndex=${encodeURIComponent(String(value(3)))}&count=${encodeURIComponent(String(value(3)))}`;
        what = `paging ${query}`;
        response = await scim('GET', `/Users?${query}`);
      }
      expectScimAnswer(response, `#${i} ${what}`.slice(0, 500));
    }
    expect(server.problems()).toEqual([]);
  });

  it('refuses huge, deeply nested, non-JSON and mistyped bodies with SCIM errors', async () => {
    const patch = (raw: string, contentType?: string) => scim('PATCH', `/Users/${userId}`, undefined, { raw, contentType });
    const huge = await scim('POST', '/Users', { userName: userName(), displayName: 'x'.repeat(70_000) });
    expect(huge.status).toBe(413);
    expectScimAnswer(huge, 'huge');
    for (const raw of [
      '['.repeat(20_000) + ']'.repeat(20_000),
      '{"Operations": [',
      'not json',
      '',
      'null',
      '"Operations"',
      '[]',
      '{"Operations": {"op": "replace"}}',
      '{"Operations": [{"op": "replace", "value": {"active": "maybe"}}]}',
      '{"Operations": [{"op": ["replace"], "path": "active", "value": true}]}',
      '{"Operations": [{"op": "replace", "path": {"a": 1}, "value": true}]}',
      '{"Operations": [{"op": "replace", "path": "userName", "value": 42}]}',
      '{"Operations": [{"op": "replace", "path": "emails", "value": [1, 2]}]}',
      '{"Operations": [{"op": "replace", "path": "name", "value": "Ada"}]}',
      '{"Operations": [{"op": "replace", "path": "displayName", "value": "\\u0000"}]}',
      '{"Operations": [{"op": "replace", "path": "displayName", "value": "\\ud800"}]}',
    ]) {
      const response = await patch(raw);
      expectScimAnswer(response, raw.slice(0, 80));
      expect(response.status, raw.slice(0, 80)).toBeGreaterThanOrEqual(400);
    }
    // Deep nesting where only attributes this server does not keep live: parsed, ignored, nothing changed.
    const nested = await patch(`{"Operations":[{"op":"replace","value":{"name":${'{"x":'.repeat(5_000)}1${'}'.repeat(5_000)}}}]}`);
    expect(nested.status).toBe(200);
    for (const contentType of ['text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=latin1']) {
      const response = await patch('{"Operations":[{"op":"replace","path":"active","value":false}]}', contentType);
      expectScimAnswer(response, contentType);
      expect(response.status).toBeGreaterThanOrEqual(400);
    }
    // After all that, the user is as they were, and JSON sent as application/json is accepted too.
    const ok = await scim(
      'PATCH',
      `/Users/${userId}`,
      { Operations: [{ op: 'replace', value: { displayName: 'Still here', active: true } }] },
      { contentType: 'application/json' },
    );
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ id: userId, displayName: 'Still here', active: true });
    expect(server.problems()).toEqual([]);
  });
});
