import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import express from 'express';
import { isConsolePath } from '../operations/http-requests.js';

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
 */
export function serveConsole(app: express.Express, distDir: string): void {
  // The console's own express app: files revalidate by ETag (sendFile takes its app's setting, and the API's app turns
  // ETags off for the bodies it sends), and nothing else about it differs.
  const site = express();
  site.disable('x-powered-by');
  site.set('etag', true);
  app.use(site);
  const index = path.join(distDir, INDEX);
  const files = express.static(distDir, {
    index: false,
    redirect: false,
    setHeaders: (res, file) => setFileHeaders(res, '/' + path.relative(distDir, file).split(path.sep).join('/')),
  });
  site.use(async (req, res, next) => {
    if (!isConsolePath(req.path)) return next();
    const read = req.method === 'GET' || req.method === 'HEAD';
    try {
      if (read && (await sendPrecompressed(req, res, distDir, req.path))) return;
    } catch (error) {
      return next(error);
    }
    files(req, res, async (error?: unknown) => {
      if (error) return next(error);
      const pageLoad = read && req.accepts(['json', 'html']) === 'html';
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
