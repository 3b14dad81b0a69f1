import type { RequestHandler } from 'express';
import type { DataSource } from 'typeorm';

/** A readiness probe that waits longer than this for PostgreSQL (say, a pool with every connection busy) answers "not ready". */
const READY_TIMEOUT_MS = 2000;

export interface Readiness {
  status: 'ready' | 'not ready';
  database: 'up' | 'down' | 'timeout';
  migrations: 'applied' | 'pending' | 'unknown';
}

/**
 * `/healthz`: the process is up and serving HTTP; no database call, so a
 * PostgreSQL outage never gets the process restarted. `/readyz`: PostgreSQL
 * answers and `schema_migrations` holds every migration this code knows, so
 * traffic may come; 503 otherwise. Both answer a small JSON body.
 */
export function createHealthHandlers(db: DataSource): { healthz: RequestHandler; readyz: RequestHandler } {
  const known = db.migrations.map((m) => m.name ?? m.constructor.name);
  return {
    healthz: (_req, res) => {
      res.setHeader('Cache-Control', 'no-store');
      res.status(200).json({ status: 'ok' });
    },
    readyz: async (_req, res) => {
      const readiness = await checkReadiness(db, known);
      res.setHeader('Cache-Control', 'no-store');
      res.status(readiness.status === 'ready' ? 200 : 503).json(readiness);
    },
  };
}

async function checkReadiness(db: DataSource, known: string[]): Promise<Readiness> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), READY_TIMEOUT_MS)));
  const applied = db
    .query('SELECT count(*)::int AS applied FROM schema_migrations WHERE name = ANY($1)', [known])
    .then((rows: Array<{ applied: number }>) => rows[0]!.applied)
    .catch((error: { code?: string; driverError?: { code?: string } }) =>
      // undefined_table: PostgreSQL answers, but no migration has run yet.
      (error.driverError?.code ?? error.code) === '42P01' ? 0 : ('down' as const),
    );
  try {
    const result = await Promise.race([applied, timedOut]);
    if (result === 'timeout' || result === 'down') return { status: 'not ready', database: result, migrations: 'unknown' };
    return result === known.length
      ? { status: 'ready', database: 'up', migrations: 'applied' }
      : { status: 'not ready', database: 'up', migrations: 'pending' };
  } finally {
    clearTimeout(timer);
  }
}
