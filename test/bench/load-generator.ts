import net from 'node:net';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * One keep-alive HTTP/1.1 connection that sends prepared request bytes one at
 * a time and reads just enough of each response to find its end (the
 * endpoints measured here answer without a body or with a Content-Length).
 * Far cheaper per request than node:http's client, so the load generator
 * stays out of the way of the server it measures.
 */
export class Connection {
  private buffered: Buffer = Buffer.alloc(0);
  /** The body of the last response (a view of the bytes received, not a copy): valid until the next request. */
  lastBody: Buffer = Buffer.alloc(0);
  private pending: { resolve: (status: number) => void; reject: (error: Error) => void } | undefined;

  private constructor(private readonly socket: net.Socket) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (error) => this.fail(error));
    socket.on('close', () => this.fail(new Error('The server closed the connection.')));
  }

  static open(port: number): Promise<Connection> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1', () => {
        socket.off('error', reject);
        resolve(new Connection(socket));
      });
      socket.once('error', reject);
    });
  }

  /** Sends one request; resolves with the response's status code. */
  request(raw: Buffer): Promise<number> {
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject };
      this.socket.write(raw);
    });
  }

  close(): void {
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    const headEnd = this.buffered.indexOf('\r\n\r\n');
    if (headEnd < 0) return;
    const head = this.buffered.toString('latin1', 0, headEnd);
    const status = Number(head.slice(9, 12));
    let bodyLength = 0;
    if (status !== 204 && status !== 304) {
      if (/\r\ntransfer-encoding:/i.test(head)) return this.fail(new Error('A chunked response was not expected here.'));
      bodyLength = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0);
    }
    const total = headEnd + 4 + bodyLength;
    if (this.buffered.length < total) return;
    this.lastBody = this.buffered.subarray(headEnd + 4, total);
    this.buffered = this.buffered.subarray(total);
    const pending = this.pending;
    this.pending = undefined;
    pending?.resolve(status);
  }

  private fail(error: Error): void {
    const pending = this.pending;
    this.pending = undefined;
    pending?.reject(error);
    this.socket.destroy();
  }
}

/** `GET path` with HTTP Basic credentials, serialised once. */
export function basicRequest(port: number, path: string, signInName: string, password: string): Buffer {
  const credentials = Buffer.from(`${signInName}:${password}`).toString('base64');
  return Buffer.from(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAuthorization: Basic ${credentials}\r\n\r\n`, 'latin1');
}

/**
 * `POST /graphql` with a JSON body (`{ query, variables }`) and, when given, a
 * cookie, as the console sends it, serialised once.
 */
export function graphqlRequest(port: number, query: string, variables: Record<string, unknown> = {}, cookie?: string): Buffer {
  const body = Buffer.from(JSON.stringify({ query, variables }));
  const head =
    `POST /graphql HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n` +
    (cookie ? `Cookie: ${cookie}\r\n` : '') +
    '\r\n';
  return Buffer.concat([Buffer.from(head, 'latin1'), body]);
}

/** What the endpoints of /auth/basic answer when all is well. */
const noContent = (status: number) => status === 204;

export interface LoadOptions<T> {
  port: number;
  /** Prepared requests; connection i sends requests[i % length] again and again. */
  requests: Buffer[];
  connections: number;
  warmupMs: number;
  measureMs: number;
  /** Called just before and just after the measured window (server CPU, memory …). */
  probe: () => Promise<T>;
  /**
   * Whether an answer counts as a success (status and body; the body is only
   * valid during the call). Default: 204. Anything else counts as failed, so a
   * broken request cannot pass for a fast one.
   */
  accept?: (status: number, body: Buffer) => boolean;
  /** How a refused 2xx is listed in `statuses` (default: its status code). */
  refusedLabel?: string;
}

export interface LoadResult<T> {
  /** Accepted responses (by default 204) completed in the measured window. */
  ok: number;
  /** Any other answer, or a broken connection, in the window. */
  failed: number;
  statuses: Map<number | string, number>;
  seconds: number;
  latenciesMs: Float64Array;
  before: T;
  after: T;
}

/**
 * A closed loop: `connections` clients, each sending its next request as soon
 * as the previous answer arrives. Warm-up first, then a measured window.
 */
export async function runLoad<T>(options: LoadOptions<T>): Promise<LoadResult<T>> {
  const connections = await Promise.all(Array.from({ length: options.connections }, () => Connection.open(options.port)));
  let recording = false;
  let stopping = false;
  let ok = 0;
  let failed = 0;
  const statuses = new Map<number | string, number>();
  let latencies = new Float64Array(1 << 16);
  const accept = options.accept ?? noContent;

  const loop = async (connection: Connection, request: Buffer) => {
    while (!stopping) {
      const start = performance.now();
      let status: number | string;
      try {
        status = await connection.request(request);
      } catch (error) {
        if (!stopping && recording) {
          failed++;
          statuses.set(String(error), (statuses.get(String(error)) ?? 0) + 1);
        }
        return;
      }
      if (!recording) continue;
      if (accept(status, connection.lastBody)) {
        if (ok === latencies.length) {
          const grown = new Float64Array(latencies.length * 2);
          grown.set(latencies);
          latencies = grown;
        }
        latencies[ok++] = performance.now() - start;
      } else {
        failed++;
        if (status >= 200 && status < 300 && options.refusedLabel) status = `${status} ${options.refusedLabel}`;
      }
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
    }
  };
  const loops = connections.map((c, i) => loop(c, options.requests[i % options.requests.length]!));

  await sleep(options.warmupMs);
  const before = await options.probe();
  recording = true;
  const start = performance.now();
  await sleep(options.measureMs);
  recording = false;
  const seconds = (performance.now() - start) / 1000;
  const after = await options.probe();

  stopping = true;
  // Requests in flight finish normally; a hung server gets its connections cut after 5 s.
  await Promise.race([Promise.all(loops), sleep(5000)]);
  for (const c of connections) c.close();
  await Promise.all(loops);
  return { ok, failed, statuses, seconds, latenciesMs: latencies.slice(0, ok), before, after };
}

/** The p-th percentile (0–100) by nearest rank. */
export function percentile(values: ArrayLike<number>, p: number): number {
  const sorted = Float64Array.from(values).sort();
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}
