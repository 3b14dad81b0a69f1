import { existsSync } from 'node:fs';
import path from 'node:path';
import express from 'express';
import { isConsolePath } from '../operations/http-requests.js';

/**
 * The built console at `/`: its files, and its index page for the
 * client-side router's deep links. Only plain paths outside the API's reach
 * either (`isConsolePath`), so the file server never sees a dotfile, an
 * encoded character or a dot segment, and no spelling of an API path gets a
 * page. The index page answers page loads only: GET or HEAD from a client
 * that prefers HTML to JSON, as a browser's navigation does. Anything else
 * falls through to the JSON 404.
 */
export function serveConsole(app: express.Express, distDir: string): void {
  const index = path.join(distDir, 'index.html');
  const files = express.static(distDir, { index: false, maxAge: '1h', redirect: false });
  app.use((req, res, next) => {
    if (!isConsolePath(req.path)) return next();
    files(req, res, (error?: unknown) => {
      if (error) return next(error);
      const pageLoad = (req.method === 'GET' || req.method === 'HEAD') && req.accepts(['json', 'html']) === 'html';
      if (!pageLoad) return next();
      if (!existsSync(index)) {
        res.status(503).type('text/plain').send('The console has not been built yet: run `pnpm build`.');
        return;
      }
      res.setHeader('Cache-Control', 'no-cache');
      res.sendFile(index);
    });
  });
}
