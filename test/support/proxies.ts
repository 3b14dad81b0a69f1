/**
 * Real reverse proxies for the tests of the snippets in integrations/: nginx
 * and Caddy as found by support/requirements.ts, each run from the very file
 * an operator copies (with loopback addresses put in) in a temporary
 * directory, on a free loopback port, with its logs in the run's directory
 * (scanned for secrets like the servers' logs). And a tiny real service
 * behind them that records what reaches it, and a client that can call from
 * another loopback address than the proxy's.
 */
import type { ChildProcess } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { threadId } from 'node:worker_threads';
import { inject } from 'vitest';
import { killGroup, spawnGroup } from './child-processes.js';
import { requirementPath } from './requirements.js';

const INTEGRATIONS = fileURLToPath(new URL('../../integrations/', import.meta.url));
const START_TIMEOUT_MS = 15_000;
const STOP_TIMEOUT_MS = 10_000;

/** A file under integrations/, as an operator would copy it. */
export function integrationFile(relative: string): string {
  return readFileSync(path.join(INTEGRATIONS, relative), 'utf8');
}

/** `text` with each key replaced by its value everywhere; throws if a key is not there (the file changed shape). */
export function withAddresses(text: string, replacements: Record<string, string>): string {
  let result = text;
  for (const [from, to] of Object.entries(replacements)) {
    if (!result.includes(from)) throw new Error(`"${from}" is not in the snippet any more: update the test's replacements`);
    result = result.split(from).join(to);
  }
  return result;
}

/** The TRUSTED_PROXIES the snippet tells the operator to set on App Passwords. */
export function trustedProxiesIn(text: string): string[] {
  const match = /TRUSTED_PROXIES=([^\s)]+)/.exec(text);
  if (!match) throw new Error('The snippet does not say which TRUSTED_PROXIES to set');
  return match[1]!.split(',');
}

/** A free TCP port on 127.0.0.1, for a program that cannot be told to pick one itself. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export interface RunningProxy {
  url: string;
  /** What it logged so far. */
  log(): string;
  stop(): Promise<void>;
}

/**
 * nginx with `snippet` included in a server block on a free loopback port,
 * everything it writes (pid, temp files) in a temporary directory, one
 * process (no daemon, no master), logs in the run's directory.
 */
export async function startNginx(snippet: string): Promise<RunningProxy> {
  const nginx = requirementPath('nginx');
  const headersMore = requirementPath('nginx-headers-more');
  const dir = mkdtempSync(path.join(tmpdir(), 'app-passwords-nginx-'));
  const port = await freePort();
  const errorLog = runLogFile('nginx-error');
  const accessLog = runLogFile('nginx-access');
  writeFileSync(path.join(dir, 'app-passwords.conf'), snippet);
  const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((name) => `    ${name}_temp_path ${path.join(dir, name)};`);
  writeFileSync(
    path.join(dir, 'nginx.conf'),
    [
      `load_module ${headersMore};`,
      `pid ${path.join(dir, 'nginx.pid')};`,
      `error_log ${errorLog} info;`,
      'events { worker_connections 64; }',
      'http {',
      `    access_log ${accessLog};`,
      ...temp,
      '    server {',
      `        listen 127.0.0.1:${port};`,
      `        include ${path.join(dir, 'app-passwords.conf')};`,
      '    }',
      '}',
      '',
    ].join('\n'),
  );
  const child = spawnGroup(
    nginx,
    ['-p', `${dir}/`, '-c', path.join(dir, 'nginx.conf'), '-e', errorLog, '-g', 'daemon off; master_process off;'],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let output = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const log = () => `${output}${readIfThere(errorLog)}${readIfThere(accessLog)}`;
  return whenListening('nginx', child, port, dir, log);
}

/**
 * Caddy serving `siteBlock` (whose site address is http://127.0.0.1:<port>),
 * from a Caddyfile that imports it after global options that turn the admin
 * API off; HOME and XDG directories in a temporary directory, logs in the
 * run's directory.
 */
export async function startCaddy(siteBlock: (port: number) => string): Promise<RunningProxy> {
  const caddy = requirementPath('caddy');
  const dir = mkdtempSync(path.join(tmpdir(), 'app-passwords-caddy-'));
  const port = await freePort();
  writeFileSync(path.join(dir, 'site.caddyfile'), siteBlock(port));
  writeFileSync(path.join(dir, 'Caddyfile'), ['{', '\tadmin off', '}', '', `import ${path.join(dir, 'site.caddyfile')}`, ''].join('\n'));
  const logFile = runLogFile('caddy');
  const fd = openSync(logFile, 'a');
  const child = spawnGroup(caddy, ['run', '--config', path.join(dir, 'Caddyfile'), '--adapter', 'caddyfile'], {
    cwd: dir,
    stdio: ['ignore', fd, fd],
    env: {
      PATH: process.env.PATH,
      HOME: dir,
      XDG_CONFIG_HOME: path.join(dir, 'config'),
      XDG_DATA_HOME: path.join(dir, 'data'),
    },
  });
  closeSync(fd);
  return whenListening('Caddy', child, port, dir, () => readIfThere(logFile));
}

/**
 * Waits until `child` (a proxy, or a server behind one) accepts connections on
 * `port`, or fails with its log when it exits first; `stop()` ends it
 * (SIGTERM, SIGKILL after 10 s) and removes its temporary directory `dir`.
 */
export async function whenListening(
  name: string,
  child: ChildProcess,
  port: number,
  dir: string,
  log: () => string,
): Promise<RunningProxy> {
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let gone = false;
  void exited.then(() => (gone = true));
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (!(await accepts(port))) {
    if (gone || Date.now() > deadline) {
      killGroup(child, 'SIGKILL');
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`${name} did not start (${gone ? `it exited with ${child.exitCode}` : 'timed out'}):\n${log()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    url: `http://127.0.0.1:${port}`,
    log,
    stop: async () => {
      killGroup(child, 'SIGTERM');
      const timer = setTimeout(() => killGroup(child, 'SIGKILL'), STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export function readIfThere(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

/** A log file in the run's directory, which the end of the run scans for every secret the tests made (support/secrets.ts). */
export function runLogFile(name: string): string {
  return path.join(inject('runDir'), `server-log-${name}-${process.pid}-${threadId}.log`);
}

export interface ReceivedRequest {
  method: string;
  url: string;
  /** Lower-case names; a header sent twice has its values joined by node:http. */
  headers: http.IncomingHttpHeaders;
  /** Names and values as they came, to count repeats. */
  rawHeaders: string[];
}

export interface Upstream {
  url: string;
  /** `host:port`, for a snippet's address. */
  address: string;
  /** Every request that reached it, oldest first. */
  received: ReceivedRequest[];
  close(): Promise<void>;
}

/** The protected service: answers every request with 200 "reached the service" and records what it got. */
export async function startUpstream(): Promise<Upstream> {
  const received: ReceivedRequest[] = [];
  const server = http.createServer((req, res) => {
    received.push({ method: req.method!, url: req.url!, headers: req.headers, rawHeaders: req.rawHeaders });
    req.resume();
    res.writeHead(200, { 'content-type': 'text/plain' }).end('reached the service');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    address: `127.0.0.1:${port}`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface ProxiedResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/**
 * A request to the proxy from the client address `from` (any 127.x.y.z:
 * Linux routes all of 127/8 to loopback), on a connection of its own. Pass
 * Authorization headers built with `basic()`, which records their secrets.
 */
export function requestFrom(
  from: string,
  url: string,
  options: { method?: string; headers?: Record<string, string> } = {},
): Promise<ProxiedResponse> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      url,
      { method: options.method ?? 'GET', headers: options.headers, localAddress: from, agent: false },
      (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (body += chunk));
        response.on('end', () => resolve({ status: response.statusCode!, headers: response.headers, body }));
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end();
  });
}
