/**
 * A real Radicale (CalDAV and CardDAV, Debian's package as found by
 * support/requirements.ts) for the test of integrations/radicale/: run from
 * the very config an operator copies, with a free loopback port and a
 * collections folder of its own put in, in a temporary directory. It logs at
 * debug level, request headers included and passwords unmasked, to the run's
 * directory, so the end of the run would find any password that reached it
 * (support/secrets.ts), and a test can read which requests it got.
 */
import { closeSync, mkdtempSync, openSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { spawnGroup } from './child-processes.js';
import { freePort, readIfThere, runLogFile, whenListening, type RunningProxy } from './proxies.js';
import { requirementPath } from './requirements.js';

export interface RunningRadicale extends RunningProxy {
  /** `host:port`, for nginx's proxy_pass. */
  address: string;
  /** Where it keeps the collections: `collection-root/<user>/<collection>/<item>`. */
  collections: string;
}

/**
 * Radicale from `config(address, collections)` (the operator's file with the
 * test's address and folder put in). `stop()` ends it with SIGTERM, SIGKILL
 * after 10 s; should the worker end first, it is SIGKILLed
 * (support/child-processes.ts).
 */
export async function startRadicale(config: (address: string, collections: string) => string): Promise<RunningRadicale> {
  const radicale = requirementPath('radicale');
  const dir = mkdtempSync(path.join(tmpdir(), 'app-passwords-radicale-'));
  const port = await freePort();
  const address = `127.0.0.1:${port}`;
  const collections = path.join(dir, 'collections');
  const configFile = path.join(dir, 'config');
  writeFileSync(configFile, config(address, collections));
  const logFile = runLogFile('radicale');
  const fd = openSync(logFile, 'a');
  const child = spawnGroup(
    radicale,
    // Only this file: not Debian's /etc/radicale/config. Debug logs each request's headers.
    ['--config', configFile, '--logging-level', 'debug', '--no-logging-mask-passwords'],
    { cwd: dir, stdio: ['ignore', fd, fd], env: { PATH: process.env.PATH, HOME: dir } },
  );
  closeSync(fd);
  const running = await whenListening('Radicale', child, port, dir, () => readIfThere(logFile));
  return { ...running, address, collections };
}
