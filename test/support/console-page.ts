import http from 'node:http';
import { fileURLToPath } from 'node:url';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';

/** The console as `pnpm build` made it (`pnpm test` builds it first): the build's own compressed copies are under test too. */
export const WEB_DIST = fileURLToPath(new URL('../../web/dist', import.meta.url));
/** What Chromium sends on a page load. */
export const BROWSER = {
  accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8',
  'accept-encoding': 'gzip, deflate, br, zstd',
};

export interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** The bytes as they came over the wire, not decoded. */
  body: Buffer;
}

/** node:http, not fetch: fetch sends an Accept-Encoding of its own and decodes what comes back. */
export function get(serverUrl: string, target: string, headers: Record<string, string>, method = 'GET'): Promise<Answer> {
  const { port } = new URL(serverUrl);
  return new Promise((resolve, reject) => {
    const request = http.request({ host: '127.0.0.1', port, method, path: target, headers, agent: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode!, headers: response.headers, body: Buffer.concat(chunks) }));
    });
    request.on('error', reject);
    request.end();
  });
}

export function decoded(answer: Answer): Buffer {
  switch (answer.headers['content-encoding']) {
    case 'br':
      return brotliDecompressSync(answer.body);
    case 'gzip':
      return gunzipSync(answer.body);
    case undefined:
      return answer.body;
    default:
      throw new Error(`unexpected Content-Encoding ${answer.headers['content-encoding']}`);
  }
}

/** The console's root element as a signed-in page load has it: what the server rendered, just before the first answer. */
const RENDERED_APP = /<div id="app"([^>]*)>(.*)<\/div>(?=\s*<script type="application\/json" id="first-answer">)/s;

/**
 * A page's `#app` element as the server sent it beside the first answer: its attributes, what was rendered in it (both
 * empty when nothing was), and the page with the element as index.html has it. Undefined for a page without an answer.
 */
export function renderedApp(page: string): { attributes: string; html: string; asBuilt: string } | undefined {
  const found = RENDERED_APP.exec(page);
  if (!found) return undefined;
  return { attributes: found[1]!, html: found[2]!, asBuilt: page.replace(found[0], '<div id="app"></div>') };
}
