import type { ExistingAppPasswords } from '../tenant-policies/tenant-policy.entity.js';
import type { UserStatus } from '../users/user.entity.js';
import type { AppPasswordRefusal } from './app-password-refusal.js';

/** One situation of a right app password, and what the check answers. */
export interface AppPasswordRefusalCase {
  userStatus: `${UserStatus}`;
  expiry: 'never' | 'past' | 'future';
  appPasswordsEnabled: boolean;
  existingWhenDisabled: `${ExistingAppPasswords.KEEP_WORKING | ExistingAppPasswords.BLOCK}`;
  refusal: AppPasswordRefusal | null;
}

type Row = [
  AppPasswordRefusalCase['userStatus'],
  AppPasswordRefusalCase['expiry'],
  'on' | 'off',
  AppPasswordRefusalCase['existingWhenDisabled'],
  AppPasswordRefusal | null,
];

/**
 * Every combination, written out: the TypeScript rule and the SQL the check
 * functions run must both answer exactly this (app-password-refusal.test.ts,
 * test/integration/app-password-refusal.test.ts).
 */
const ROWS: Row[] = [
  // user      expiry    policy  existing        refusal
  ['ACTIVE', 'never', 'on', 'BLOCK', null],
  ['ACTIVE', 'never', 'on', 'KEEP_WORKING', null],
  ['ACTIVE', 'never', 'off', 'BLOCK', 'POLICY_OFF'],
  ['ACTIVE', 'never', 'off', 'KEEP_WORKING', null],
  ['ACTIVE', 'future', 'on', 'BLOCK', null],
  ['ACTIVE', 'future', 'on', 'KEEP_WORKING', null],
  ['ACTIVE', 'future', 'off', 'BLOCK', 'POLICY_OFF'],
  ['ACTIVE', 'future', 'off', 'KEEP_WORKING', null],
  ['ACTIVE', 'past', 'on', 'BLOCK', 'EXPIRED'],
  ['ACTIVE', 'past', 'on', 'KEEP_WORKING', 'EXPIRED'],
  ['ACTIVE', 'past', 'off', 'BLOCK', 'EXPIRED'],
  ['ACTIVE', 'past', 'off', 'KEEP_WORKING', 'EXPIRED'],
  ['DISABLED', 'never', 'on', 'BLOCK', 'USER_DISABLED'],
  ['DISABLED', 'never', 'on', 'KEEP_WORKING', 'USER_DISABLED'],
  ['DISABLED', 'never', 'off', 'BLOCK', 'USER_DISABLED'],
  ['DISABLED', 'never', 'off', 'KEEP_WORKING', 'USER_DISABLED'],
  ['DISABLED', 'future', 'on', 'BLOCK', 'USER_DISABLED'],
  ['DISABLED', 'future', 'on', 'KEEP_WORKING', 'USER_DISABLED'],
  ['DISABLED', 'future', 'off', 'BLOCK', 'USER_DISABLED'],
  ['DISABLED', 'future', 'off', 'KEEP_WORKING', 'USER_DISABLED'],
  ['DISABLED', 'past', 'on', 'BLOCK', 'USER_DISABLED'],
  ['DISABLED', 'past', 'on', 'KEEP_WORKING', 'USER_DISABLED'],
  ['DISABLED', 'past', 'off', 'BLOCK', 'USER_DISABLED'],
  ['DISABLED', 'past', 'off', 'KEEP_WORKING', 'USER_DISABLED'],
];

export const APP_PASSWORD_REFUSAL_CASES: AppPasswordRefusalCase[] = ROWS.map(
  ([userStatus, expiry, enabled, existingWhenDisabled, refusal]) => ({
    userStatus,
    expiry,
    appPasswordsEnabled: enabled === 'on',
    existingWhenDisabled,
    refusal,
  }),
);

/** The expiry of a case as a moment, seen from `now`. */
export function expiresAtOf(c: Pick<AppPasswordRefusalCase, 'expiry'>, now: Date): Date | null {
  if (c.expiry === 'never') return null;
  return new Date(now.getTime() + (c.expiry === 'past' ? -3600_000 : 24 * 3600_000));
}
