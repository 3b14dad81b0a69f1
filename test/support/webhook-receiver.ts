import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { Webhook } from 'standardwebhooks';

/** One POST as the receiver got it, verified against the endpoint's secret(s). */
export interface ReceivedWebhook {
  id: string;
  timestamp: string;
  signature: string;
  body: string;
  /** The parsed body; only set when a secret verified its signature. */
  payload: { type: string; timestamp: string; data: Record<string, any> };
  /** Which of the receiver's secrets verified it (index into `secrets`). */
  verifiedWith: number[];
  /** What the receiver answered. */
  answered: number;
}

/** How the receiver answers: a status, maybe late, maybe with headers (e.g. a redirect's Location). */
export interface ReceiverMode {
  status: number;
  delayMs?: number;
  headers?: Record<string, string>;
}

/**
 * An integrator's webhook receiver: a node:http server on a loopback port
 * that verifies every POST with the Standard Webhooks reference library, as
 * an integrator would, and records it. It can answer any status, answer
 * late, or be down (closed, then listening again on the same port), and it
 * counts the connections open to it.
 */
export class WebhookReceiver {
  readonly received: ReceivedWebhook[] = [];
  /** POSTs whose signature none of the secrets verified. */
  readonly unverified: Array<{ headers: http.IncomingHttpHeaders; body: string }> = [];
  secrets: string[] = [];
  /** Method and path of every request, in order: a followed redirect would show here. */
  readonly requests: string[] = [];
  mode: ReceiverMode = { status: 204 };
  /** Times a webhook-id arrived while a POST with the same id was still being answered (two senders at once). */
  overlaps = 0;
  private readonly answering = new Map<string, number>();
  openConnections = 0;
  mostOpenConnections = 0;
  port = 0;
  private server: http.Server | undefined;
  private readonly sockets = new Set<Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();

  get url(): string {
    return `http://127.0.0.1:${this.port}/hooks`;
  }

  async start(): Promise<void> {
    const server = http.createServer((req, res) => this.handle(req, res));
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      this.openConnections++;
      this.mostOpenConnections = Math.max(this.mostOpenConnections, this.openConnections);
      socket.once('close', () => {
        this.sockets.delete(socket);
        this.openConnections--;
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  /** Down: nothing listens on the port (connections are refused) until `start` again. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const socket of this.sockets) socket.destroy();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** The payloads that arrived (verified), in the order they arrived. */
  payloads(): ReceivedWebhook['payload'][] {
    return this.received.map((r) => r.payload);
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    this.requests.push(`${req.method} ${req.url}`);
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const headers = {
        'webhook-id': String(req.headers['webhook-id'] ?? ''),
        'webhook-timestamp': String(req.headers['webhook-timestamp'] ?? ''),
        'webhook-signature': String(req.headers['webhook-signature'] ?? ''),
      };
      const verifiedWith = this.secrets.flatMap((secret, i) => {
        try {
          new Webhook(secret).verify(body, headers);
          return [i];
        } catch {
          return [];
        }
      });
      const mode = this.mode;
      const id = headers['webhook-id'];
      if ((this.answering.get(id) ?? 0) > 0) this.overlaps++;
      this.answering.set(id, (this.answering.get(id) ?? 0) + 1);
      res.once('close', () => this.answering.set(id, this.answering.get(id)! - 1));
      if (verifiedWith.length === 0) this.unverified.push({ headers: req.headers, body });
      else {
        this.received.push({
          id: headers['webhook-id'],
          timestamp: headers['webhook-timestamp'],
          signature: headers['webhook-signature'],
          body,
          payload: JSON.parse(body),
          verifiedWith,
          answered: mode.status,
        });
      }
      const answer = () => res.writeHead(mode.status, mode.headers).end();
      if (mode.delayMs) {
        const timer = setTimeout(() => {
          this.timers.delete(timer);
          answer();
        }, mode.delayMs);
        this.timers.add(timer);
      } else answer();
    });
  }
}

/** Polls until `condition` holds, or fails after `timeoutMs` naming `what`. */
export async function until(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
