import type { EntityManager } from 'typeorm';
import { SESSION_IDLE_TIMEOUT_MS } from './session.entity.js';

/**
 * Ends a user's console sessions and sign-ins waiting for their second step,
 * in the caller's transaction (tenant-scoped), all of them or all but
 * `keepSessionId`. Returns how many of the ended ones were live sessions
 * (complete, not expired, not idle): what the user would call "signed in
 * elsewhere".
 */
export async function endSessions(m: EntityManager, userId: string, keepSessionId?: string): Promise<number> {
  const [{ count }]: [{ count: number }] = await m.query(
    `WITH ended AS (
       DELETE FROM sessions WHERE user_id = $1 AND ($2::uuid IS NULL OR id <> $2::uuid)
       RETURNING two_step_pending, expires_at, last_seen_at)
     SELECT count(*)::int AS count FROM ended
      WHERE NOT two_step_pending AND expires_at > now() AND last_seen_at > now() - make_interval(secs => $3)`,
    [userId, keepSessionId ?? null, SESSION_IDLE_TIMEOUT_MS / 1000],
  );
  return count;
}
