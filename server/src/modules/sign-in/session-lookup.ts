import type { DataSource } from 'typeorm';
import type { SessionActor } from '../../common/context.js';
import { sha256 } from '../../common/secure-random.js';
import { preparedQuery } from '../../db/pg-pool.js';
import type { Role } from '../users/user.entity.js';
import { SESSION_IDLE_TIMEOUT_MS, type AuthenticationMethod } from './session.entity.js';

/**
 * The statement of a session lookup through `fn` (`session_for_token`, or a
 * function that calls it and reads more beside it): the function's row as
 * one JSON value. node-postgres describes and parses one field instead of a
 * dozen (a fifth of the lookup's cost in Node on every console request), and
 * a migration that adds a column to the function does not change what a
 * prepared statement of an instance still running the older code receives.
 */
export function sessionLookupSql(fn: string): string {
  return `SELECT row_to_json(found) AS found FROM ${fn}($1, $2) found`;
}

export interface SessionRow {
  id: string;
  user_id: string;
  tenant_id: string;
  role: Role;
  authenticated_at: Date;
  two_step_required_for_admin: boolean;
  email: string;
  display_name: string;
  tenant_name: string;
  must_change_password: boolean;
  authentication_methods: AuthenticationMethod[];
  /** The language the user chose in the console; null until they choose. */
  chosen_language: 'en' | 'nl' | null;
}

/**
 * The row of a session cookie's lookup: `sql` (sessionLookupSql) calls
 * `session_for_token` (or a function that calls it and reads more beside it)
 * with the token's hash and the idle timeout, as a named statement on the pool. Null when the
 * token cannot be one (no statement then), or the lookup found no live
 * session: unknown, still waiting for its second step, idle for too long,
 * past its absolute end, or its user is disabled. The lookup slides the
 * idle window too, at most once a minute.
 */
export async function lookUpSession<Row extends SessionRow>(db: DataSource, name: string, sql: string, token: string): Promise<Row | null> {
  if (token.length < 20 || token.length > 100) return null;
  // Sees every tenant: the cookie says which one.
  const [result] = await preparedQuery<{ found: Row }>(db, name, sql, [sha256(token), SESSION_IDLE_TIMEOUT_MS / 1000]);
  if (!result) return null;
  const row = result.found;
  // JSON has no timestamps: the function's one timestamp column arrives as ISO 8601 text.
  row.authenticated_at = new Date(row.authenticated_at);
  return row;
}

/** The actor behind a session's row. */
export function sessionActorOf(row: SessionRow): SessionActor {
  return {
    userId: row.user_id,
    tenantId: row.tenant_id,
    role: row.role,
    signedInWith: 'session',
    sessionId: row.id,
    authenticatedAt: row.authenticated_at,
    twoStepRequiredForAdmin: row.two_step_required_for_admin,
    email: row.email,
    displayName: row.display_name,
    tenantName: row.tenant_name,
    mustChangePassword: row.must_change_password,
    chosenLanguage: row.chosen_language,
    signedInThroughProvider: row.authentication_methods.includes('oidc'),
    twoStepAtProvider: row.authentication_methods.includes('provider_mfa'),
  };
}
