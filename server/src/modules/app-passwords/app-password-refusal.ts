import {
  keepsExistingAppPasswords,
  keepsExistingAppPasswordsSql,
  type ExistingAppPasswordsPolicy,
} from '../tenant-policies/tenant-policy.rules.js';
import { UserStatus } from '../users/user.entity.js';

/** Why the right app password is still refused: the sign-in log's outcomes for it. */
export type AppPasswordRefusal = 'USER_DISABLED' | 'EXPIRED' | 'POLICY_OFF';

/** What decides whether an app password that exists, with its right secret, may sign an app in now. */
export interface AppPasswordUse {
  userStatus: UserStatus;
  /** When the app password stops working; null: never. */
  expiresAt: Date | null;
  policy: ExistingAppPasswordsPolicy;
}

/**
 * Every way a right app password is refused, in order: the first that
 * applies is the answer. Each says it twice, in TypeScript and in SQL over
 * the rows `u` (users), `ap` (app_passwords) and `tp` (tenant_policies).
 * A revoked or deleted app password is not here: its row is gone, so the
 * check does not find it (REVOKED on the warm path).
 */
const REFUSALS: ReadonlyArray<{ outcome: AppPasswordRefusal; applies: (use: AppPasswordUse, now: Date) => boolean; sql: string }> = [
  { outcome: 'USER_DISABLED', applies: (use) => use.userStatus !== UserStatus.ACTIVE, sql: `u.status <> '${UserStatus.ACTIVE}'` },
  { outcome: 'EXPIRED', applies: (use, now) => use.expiresAt !== null && use.expiresAt <= now, sql: 'ap.expires_at <= now()' },
  { outcome: 'POLICY_OFF', applies: (use) => !keepsExistingAppPasswords(use.policy), sql: `NOT ${keepsExistingAppPasswordsSql('tp')}` },
];

/** Why this app password is refused now, or null when nothing stops it. */
export function appPasswordRefusal(use: AppPasswordUse, now = new Date()): AppPasswordRefusal | null {
  return REFUSALS.find((refusal) => refusal.applies(use, now))?.outcome ?? null;
}

/**
 * The same rule as one SQL expression over `u`, `ap` and `tp` (NULL when
 * nothing stops it), which PostgreSQL works out against its own clock in the
 * sign-in functions. Migrations install a frozen copy of this text (the
 * migration of the day keeps what it installed); a test fails when the two
 * differ, and the case table in test/integration/app-password-refusal.test.ts
 * runs through both.
 */
export function appPasswordRefusalSql(): string {
  return `CASE ${REFUSALS.map((refusal) => `WHEN ${refusal.sql} THEN '${refusal.outcome}'`).join(' ')} END`;
}
