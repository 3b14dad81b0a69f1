import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream';
import { constants, createBrotliCompress, createGzip } from 'node:zlib';
import express from 'express';
import { isConsolePath, requestLocals } from '../operations/http-requests.js';
import { firstAnswerElement, readFirstRequest, type AnswerFirstRequest } from './first-answer.js';
import { createPageRenderer, type RenderPage } from './page-renderer.js';

/** Vite names every file under `assets/` by a hash of its content: a new build gets new names, so a copy never goes stale. */
const HASHED = /^\/assets\//;
const IMMUTABLE = 'public, max-age=31536000, immutable';
/** Files without a hash in their name (none today beside index.html) may change under the same name. */
const SHORT_LIVED = 'public, max-age=3600';
/** The page names the current build's assets: a browser asks whether it changed on every load. */
const INDEX = '/index.html';

/** Copies the build writes beside each text file (web/vite.config.ts), in the order the server prefers them. */
const PRECOMPRESSED = [
  { encoding: 'br', extension: '.br' },
  { encoding: 'gzip', extension: '.gz' },
] as const;

/**
 * The built console at `/`: its files, and its index page for the
 * client-side router's deep links. Only plain paths outside the API's reach
 * either (`isConsolePath`), so the file server never sees a dotfile, an
 * encoded character or a dot segment, and no spelling of an API path gets a
 * page. The index page answers page loads only: GET or HEAD from a client
 * that prefers HTML to JSON, as a browser's navigation does. Anything else
 * falls through to the JSON 404.
 *
 * Each file goes out as the build's brotli or gzip copy when the client
 * accepts that encoding (brotli first: it is smaller), else as it is; the
 * answer varies by Accept-Encoding either way, so a shared cache keeps the
 * copies apart.
 *
 * A page load that sends cookies, of a page whose first request the build
 * names (`first-request.json`), gets the page with that request's answer in
 * it (`sendPageWithAnswer`), so that the console need not ask once its
 * scripts have run.
 */
export function serveConsole(app: express.Express, distDir: string, answerFirstRequest: AnswerFirstRequest): void {
  // The console's own express app: files revalidate by ETag (sendFile takes its app's setting, and the API's app turns
  // ETags off for the bodies it sends), and nothing else about it differs.
  const site = express();
  site.disable('x-powered-by');
  site.set('etag', true);
  app.use(site);
  const index = path.join(distDir, INDEX);
  const renderPage = createPageRenderer(distDir);
  const files = express.static(distDir, {
    index: false,
    redirect: false,
    setHeaders: (res, file) => setFileHeaders(res, '/' + path.relative(distDir, file).split(path.sep).join('/')),
  });
  site.use(async (req, res, next) => {
    if (!isConsolePath(req.path)) return next();
    const read = req.method === 'GET' || req.method === 'HEAD';
    const pageLoad = read && req.accepts(['json', 'html']) === 'html';
    try {
      const first = pageLoad ? await readFirstRequest(distDir) : null;
      if (first?.paths.has(req.path)) {
        if (req.headers.cookie !== undefined && existsSync(index)) {
          const answer = req.method === 'GET' ? answerFirstRequest(req, res, first.request) : undefined;
          return await sendPageWithAnswer(req, res, index, answer, renderPage);
        }
        res.vary('Cookie'); // the plain page, here only without cookies
      }
      if (read && (await sendPrecompressed(req, res, distDir, req.path))) return;
    } catch (error) {
      return next(error);
    }
    files(req, res, async (error?: unknown) => {
      if (error) return next(error);
      if (!pageLoad) return next();
      if (!existsSync(index)) {
        res.status(503).type('text/plain').send('The console has not been built yet: run `pnpm build`.');
        return;
      }
      try {
        if (await sendPrecompressed(req, res, distDir, INDEX)) return;
      } catch (error) {
        return next(error);
      }
      setFileHeaders(res, INDEX);
      res.sendFile(index);
    });
  });
}

/** The console's root element in index.html, empty: the page rendered on the server goes into it. */
const ROOT = '<div id="app"></div>';

/**
 * The console's page with the answer to its first request for this caller
 * (an empty answer for anyone without a live session), and the page itself
 * rendered from that answer (`renderPage`) where the console's server build
 * can. The page then holds personal data: no cache keeps it (`no-store`), and
 * it varies by Cookie. It goes out in two parts: the page up to the console's
 * root element at once, so that the browser fetches the scripts and the
 * stylesheet while the answer is made, then the rendered page, the answer and
 * the rest; compressed as it goes (a fast level: a few kB, made per request).
 * The page reflects nothing of the request but a language and a time zone
 * that are checked, so the compressed size says nothing about the data to
 * someone who can choose part of the page.
 */
async function sendPageWithAnswer(
  req: express.Request,
  res: express.Response,
  index: string,
  answer: Promise<string | undefined> | undefined,
  renderPage: RenderPage,
): Promise<void> {
  const html = await readFile(index, 'utf8');
  const root = html.indexOf(ROOT);
  const end = html.lastIndexOf('</body>');
  res.status(200).type('html');
  res.setHeader('Cache-Control', 'no-store');
  res.vary('Accept-Encoding').vary('Cookie');
  const encoding = PRECOMPRESSED.find((p) => req.acceptsEncodings(p.encoding) === p.encoding)?.encoding;
  if (encoding) res.setHeader('Content-Encoding', encoding);
  if (!answer) return void res.end();
  const out =
    encoding === 'br'
      ? createBrotliCompress({ params: { [constants.BROTLI_PARAM_QUALITY]: 5 } })
      : encoding === 'gzip'
        ? createGzip({ level: 6 })
        : undefined;
  // Once the headers are out, a failure is the client going away: nothing left to answer.
  if (out) pipeline(out, res, () => {});
  const body = out ?? res;
  if (root < 0 || end < root) {
    // Not the console's page as the build writes it: as it is, without an answer.
    return void body.end(html);
  }
  body.write(html.slice(0, root));
  if (out) out.flush(encoding === 'br' ? constants.BROTLI_OPERATION_FLUSH : constants.Z_SYNC_FLUSH);
  const text = await answer;
  const page = text === undefined ? undefined : await renderedOrNot(req, res, text, renderPage);
  const app = page ? `<div id="app"${page.attributes}>${page.html}</div>` : ROOT;
  body.end(app + html.slice(root + ROOT.length, end) + firstAnswerElement(text) + html.slice(end));
}

/** The page rendered for the answer; undefined, and a warning, when rendering fails: the browser then renders it, as without a server build. */
async function renderedOrNot(req: express.Request, res: express.Response, answer: string, renderPage: RenderPage) {
  try {
    return await renderPage(req, answer);
  } catch (error) {
    requestLocals(res).log?.warn({ err: error }, 'The console page could not be rendered on the server');
    return undefined;
  }
}

/** Headers of a file of the build, by its path under the console's directory (`/assets/index-….js`). */
function setFileHeaders(res: express.Response, file: string): void {
  res.setHeader('Cache-Control', file === INDEX ? 'no-cache' : HASHED.test(file) ? IMMUTABLE : SHORT_LIVED);
  res.vary('Accept-Encoding');
}

/**
 * Sends the build's precompressed copy of `file` (a plain path under
 * `distDir`) in the best encoding the client accepts, with the headers the
 * file itself would get. False when there is no such copy or the client
 * takes neither encoding (no Accept-Encoding at all: identity only).
 */
async function sendPrecompressed(req: express.Request, res: express.Response, distDir: string, file: string): Promise<boolean> {
  if (file.endsWith('/')) return false;
  for (const { encoding, extension } of PRECOMPRESSED) {
    if (req.acceptsEncodings(encoding) !== encoding) continue;
    const copy = file + extension;
    if (!(await isFile(path.join(distDir, copy)))) continue;
    setFileHeaders(res, file);
    res.setHeader('Content-Encoding', encoding);
    // The type of what was compressed; the file server would otherwise take it from `.br`.
    res.type(path.extname(file));
    await new Promise<void>((resolve, reject) =>
      // Once the headers are out, a failure is the client going away: nothing left to answer.
      res.sendFile(copy, { root: distDir, dotfiles: 'ignore' }, (error) => (error && !res.headersSent ? reject(error) : resolve())),
    );
    return true;
  }
  return false;
}

async function isFile(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}
