import type http from 'node:http';

/** How often connections that have just answered are looked at again while draining. */
const IDLE_SWEEP_MS = 50;

/**
 * Stops an HTTP server gracefully: no new connections; idle keep-alive
 * connections close at once, busy ones as soon as their answer is out; after
 * `graceMs` whatever is left is cut. Node tracks connections and their
 * requests itself, so this costs nothing per request (Apollo's drain plugin
 * adds a listener, map updates and a closure to every request, the hot
 * `/auth/basic` included).
 */
export async function drainHttpServer(server: http.Server, graceMs: number): Promise<void> {
  if (!server.listening) return;
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  const sweep = setInterval(() => server.closeIdleConnections(), IDLE_SWEEP_MS);
  const cut = setTimeout(() => server.closeAllConnections(), graceMs);
  try {
    await closed;
  } finally {
    clearInterval(sweep);
    clearTimeout(cut);
  }
}
