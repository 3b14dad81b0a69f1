/**
 * The server under measurement, in its own process so the load generator
 * does not share its event loop. Started by run.ts with `fork`:
 *
 *   server-process.ts bare   a node:http server that answers 204 to everything (the baseline)
 *   server-process.ts app    the real createApp() over BENCH_DATABASE_URL, serving the
 *                            console from BENCH_WEB_DIST_DIR when set
 *
 * Reports `{ type: 'ready', port }` once listening; answers `{ type: 'stats' }`
 * with its CPU time and memory (current and peak RSS); `{ type: 'rawPosts' }`
 * by posting a body to a URL that many times, from this process, as plain
 * keep-alive HTTP (the baseline of the webhook figure); `{ type: 'stop' }`
 * closes it gracefully. BENCH_WEBHOOKS=1: the app delivers webhooks to
 * loopback receivers (as outside production), with the default settings.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type ServerMode = 'bare' | 'app';

export interface ServerStats {
  /** process.cpuUsage(), in microseconds. */
  cpuUserMicros: number;
  cpuSystemMicros: number;
  rssBytes: number;
  /** Peak resident set size so far, in bytes. */
  maxRssBytes: number;
  signIn?: { argon2Verifications: number; cacheHits: number; cacheMisses: number };
}

export type ToServer =
  { type: 'stats' } | { type: 'stop' } | { type: 'rawPosts'; url: string; body: string; count: number; concurrency: number };
export type FromServer =
  { type: 'ready'; port: number } | { type: 'stats'; stats: ServerStats } | { type: 'rawPosts'; seconds: number; failed: number };

/** `count` POSTs of `body` to `url` over `concurrency` keep-alive connections, one after another on each. */
async function rawPosts(url: string, body: string, count: number, concurrency: number): Promise<{ seconds: number; failed: number }> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  let next = 0;
  let failed = 0;
  const post = () =>
    new Promise<void>((resolve) => {
      const request = http.request(
        url,
        { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
        (response) => {
          if ((response.statusCode ?? 0) >= 300) failed++;
          response.resume();
          response.on('end', resolve);
        },
      );
      request.on('error', () => {
        failed++;
        resolve();
      });
      request.end(body);
    });
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next++ < count) await post();
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  return { seconds, failed };
}

const send = (message: FromServer) => process.send!(message);

async function main(): Promise<void> {
  const mode = process.argv[2] as ServerMode;
  let stats: () => ServerStats['signIn'] = () => undefined;
  let close: () => Promise<void>;
  let port: number;

  if (mode === 'bare') {
    const server = http.createServer((_req, res) => {
      res.writeHead(204);
      res.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
    close = () => new Promise((resolve) => server.close(() => resolve()));
  } else if (mode === 'app') {
    const { createApp } = await import('../../server/src/app.js');
    const { createDataSource } = await import('../../server/src/db/data-source.js');
    const { entities } = await import('../../server/src/services.js');
    const { createLogger } = await import('../../server/src/common/logger.js');
    const { DEFAULT_WEBHOOK_CONFIG, defaultDatabasePoolSize } = await import('../../server/src/config.js');
    // The pool's size as the server's own default (DATABASE_POOL_SIZE unset), unless BENCH_POOL_SIZE says.
    const db = createDataSource(process.env.BENCH_DATABASE_URL!, Number(process.env.BENCH_POOL_SIZE ?? defaultDatabasePoolSize()), {
      runtime: true,
      entities,
    });
    await db.initialize();
    const app = await createApp(
      {
        cookieSecure: false,
        appPasswordLookupKey: Buffer.from(process.env.BENCH_LOOKUP_KEY!, 'hex'),
        webDistDir: process.env.BENCH_WEB_DIST_DIR ?? '/nonexistent',
        trustedProxies: (process.env.BENCH_TRUSTED_PROXIES ?? '').split(',').filter(Boolean),
        appPasswordCacheTtlSeconds: Number(process.env.BENCH_CACHE_TTL_SECONDS),
        graphqlIntrospection: false,
        metricsToken: undefined,
        ...(process.env.BENCH_WEBHOOKS === '1' ? { webhooks: { ...DEFAULT_WEBHOOK_CONFIG, allowLocal: true } } : {}),
      },
      db,
      // Warnings and errors only, on stderr: an access log on the measured hot path would measure the log.
      createLogger('warn', process.stderr),
    );
    port = (await app.listen(0, '127.0.0.1')).port;
    stats = () => ({ ...app.services.appPasswordSignIn.stats });
    close = async () => {
      await app.close();
      await db.destroy();
    };
  } else {
    throw new Error(`Unknown mode "${mode}": expected bare or app.`);
  }

  process.on('message', (message: ToServer) => {
    if (message.type === 'stats') {
      const cpu = process.cpuUsage();
      send({
        type: 'stats',
        stats: {
          cpuUserMicros: cpu.user,
          cpuSystemMicros: cpu.system,
          rssBytes: process.memoryUsage.rss(),
          maxRssBytes: process.resourceUsage().maxRSS * 1024,
          signIn: stats(),
        },
      });
    } else if (message.type === 'rawPosts') {
      void rawPosts(message.url, message.body, message.count, message.concurrency).then((result) => send({ type: 'rawPosts', ...result }));
    } else if (message.type === 'stop') {
      void close().then(() => process.disconnect());
    }
  });
  send({ type: 'ready', port });
}

main().catch((error: unknown) => {
  console.error('The benchmark server failed:', error);
  process.exit(1);
});
