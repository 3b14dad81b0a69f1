import { readFileSync } from 'node:fs';
import path from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BROWSER, decoded, get as getFrom, WEB_DIST } from '../support/console-page.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const IMMUTABLE = 'public, max-age=31536000, immutable';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ webDistDir: WEB_DIST });
});
afterAll(() => server?.close());

const get = (target: string, headers: Record<string, string>, method = 'GET') => getFrom(server.url, target, headers, method);

/** What index.html makes a browser load first: the entry script, its preloads and stylesheets. */
function initialAssets(): string[] {
  const html = readFileSync(path.join(WEB_DIST, 'index.html'), 'utf8');
  const urls = [...html.matchAll(/\s(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1]!);
  expect(urls.some((u) => u.endsWith('.js'))).toBe(true);
  expect(urls.some((u) => u.endsWith('.css'))).toBe(true);
  return urls;
}

describe('the console is served compressed, and cached as long as it can be', () => {
  it('the build wrote a brotli and a gzip copy of each script and stylesheet index.html loads', () => {
    for (const url of initialAssets()) {
      const file = readFileSync(path.join(WEB_DIST, url));
      expect(brotliDecompressSync(readFileSync(path.join(WEB_DIST, `${url}.br`))).equals(file), `${url}.br`).toBe(true);
      expect(gunzipSync(readFileSync(path.join(WEB_DIST, `${url}.gz`))).equals(file), `${url}.gz`).toBe(true);
    }
  });

  it.each([
    ['gzip, deflate, br, zstd', 'br'],
    ['br', 'br'],
    ['gzip;q=1.0, br;q=0.5', 'br'], // both accepted: the smaller copy
    ['gzip', 'gzip'],
    ['br;q=0, gzip', 'gzip'],
    ['*', 'br'],
    ['identity', undefined],
    ['deflate', undefined],
    [undefined, undefined],
  ])('an asset, Accept-Encoding %s: %s, the file itself once decoded, cached for a year', async (acceptEncoding, encoding) => {
    for (const url of initialAssets()) {
      const answer = await get(url, { accept: '*/*', ...(acceptEncoding === undefined ? {} : { 'accept-encoding': acceptEncoding }) });
      expect(answer.status).toBe(200);
      expect(answer.headers['content-encoding']).toBe(encoding);
      expect(answer.headers.vary).toMatch(/\bAccept-Encoding\b/i);
      expect(answer.headers['cache-control']).toBe(IMMUTABLE);
      expect(answer.headers['content-type']).toMatch(
        url.endsWith('.js') ? /^text\/javascript; charset=utf-8$/ : /^text\/css; charset=utf-8$/,
      );
      expect(Number(answer.headers['content-length'])).toBe(answer.body.length);
      expect(decoded(answer).equals(readFileSync(path.join(WEB_DIST, url)))).toBe(true);
    }
  });

  it('compressed, a script is far smaller than the file', async () => {
    const script = initialAssets().find((u) => u.endsWith('.js'))!;
    const [br, gzip, identity] = await Promise.all(['br', 'gzip', 'identity'].map((e) => get(script, { 'accept-encoding': e })));
    expect(br!.body.length).toBeLessThan(gzip!.body.length);
    expect(gzip!.body.length).toBeLessThan(identity!.body.length / 2);
  });

  it.each(['/', '/security-info', '/admin/users', '/index.html'])('the page at %s: compressed, revalidated on every load', async (page) => {
    const index = readFileSync(path.join(WEB_DIST, 'index.html'));
    const compressed = await get(page, BROWSER);
    expect(compressed.status).toBe(200);
    expect(compressed.headers['content-encoding']).toBe('br');
    expect(compressed.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(compressed.headers['cache-control']).toBe('no-cache');
    expect(compressed.headers.vary).toMatch(/\bAccept-Encoding\b/i);
    expect(decoded(compressed).equals(index)).toBe(true);

    const plain = await get(page, { accept: BROWSER.accept });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.headers['cache-control']).toBe('no-cache');
    expect(plain.headers.vary).toMatch(/\bAccept-Encoding\b/i);
    expect(plain.body.equals(index)).toBe(true);
  });

  it('HEAD of an asset: the headers of the compressed answer, no body', async () => {
    const script = initialAssets().find((u) => u.endsWith('.js'))!;
    const answer = await get(script, { 'accept-encoding': 'br' }, 'HEAD');
    expect(answer.status).toBe(200);
    expect(answer.headers['content-encoding']).toBe('br');
    expect(Number(answer.headers['content-length'])).toBe(readFileSync(path.join(WEB_DIST, `${script}.br`)).length);
    expect(answer.body.length).toBe(0);
  });

  it('a revalidation gets 304 for the copy it holds, and a copy in another encoding has another ETag', async () => {
    const script = initialAssets().find((u) => u.endsWith('.js'))!;
    const br = await get(script, { 'accept-encoding': 'br' });
    const gzip = await get(script, { 'accept-encoding': 'gzip' });
    expect(br.headers.etag).toBeTruthy();
    expect(br.headers.etag).not.toBe(gzip.headers.etag);
    const again = await get(script, { 'accept-encoding': 'br', 'if-none-match': br.headers.etag! });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
  });

  it('the routing rules stay: no page for a client that prefers JSON or for a POST, JSON 404 for a missing file', async () => {
    for (const [method, target, headers] of [
      ['GET', '/admin/users', { accept: 'application/json', 'accept-encoding': 'br' }],
      ['GET', '/admin/users', { accept: '*/*', 'accept-encoding': 'br' }],
      ['POST', '/admin/users', BROWSER],
      ['GET', '/assets/missing.js', { accept: '*/*', 'accept-encoding': 'br' }],
    ] as const) {
      const answer = await get(target, headers, method);
      expect(answer.status, `${method} ${target}`).toBe(404);
      expect(answer.headers['content-type']).toMatch(/^application\/json/);
      expect(answer.headers['content-encoding']).toBeUndefined();
    }
  });
});
