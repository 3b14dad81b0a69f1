import type { DataSource } from 'typeorm';
import { withTenant } from '../../db/tenant-scope.js';

/**
 * The session's user authenticated again at the provider (max_age=0): the
 * sign-in counts as recent for 10 more minutes, and a second factor there
 * counts from now on. False when the session has ended meanwhile.
 */
export async function confirmSessionAtProvider(
  db: DataSource,
  session: { sessionId: string; tenantId: string; userId: string },
  twoStepAtProvider: boolean,
): Promise<boolean> {
  const rows = await withTenant(db, session.tenantId, (m) =>
    m.query(
      `WITH updated AS (
           UPDATE sessions SET authenticated_at = now(), last_seen_at = now(),
                  authentication_methods = CASE WHEN $3 AND NOT 'provider_mfa' = ANY(authentication_methods)
                                                THEN authentication_methods || '{provider_mfa}'::text[] ELSE authentication_methods END
            WHERE id = $1 AND user_id = $2 AND NOT two_step_pending AND expires_at > now() RETURNING id)
         SELECT id FROM updated`,
      [session.sessionId, session.userId, twoStepAtProvider],
    ),
  );
  return rows.length > 0;
}
