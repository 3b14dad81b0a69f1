import { describe, expect, it } from 'vitest';
import { APP_PASSWORD_REFUSAL_SQL } from '../../db/migrations/1796500000000-AppPasswordRefusal.js';
import { ExistingAppPasswords } from '../tenant-policies/tenant-policy.entity.js';
import { UserStatus } from '../users/user.entity.js';
import { APP_PASSWORD_REFUSAL_CASES, expiresAtOf } from './app-password-refusal.cases.js';
import { appPasswordRefusal, appPasswordRefusalSql } from './app-password-refusal.js';

describe('why a right app password is refused', () => {
  it.each(APP_PASSWORD_REFUSAL_CASES)(
    '$userStatus user, expiry $expiry, app passwords on: $appPasswordsEnabled, $existingWhenDisabled → $refusal',
    (c) => {
      const now = new Date();
      const use = {
        userStatus: c.userStatus as UserStatus,
        expiresAt: expiresAtOf(c, now),
        policy: { appPasswordsEnabled: c.appPasswordsEnabled, existingWhenDisabled: c.existingWhenDisabled as ExistingAppPasswords.BLOCK },
      };
      expect(appPasswordRefusal(use, now)).toBe(c.refusal);
    },
  );

  it('expires at the moment it says, not a moment later', () => {
    const now = new Date();
    const use = {
      userStatus: UserStatus.ACTIVE,
      expiresAt: now,
      policy: { appPasswordsEnabled: true, existingWhenDisabled: ExistingAppPasswords.BLOCK as const },
    };
    expect(appPasswordRefusal(use, now)).toBe('EXPIRED');
  });

  it('is the text the newest migration installed (a change to the rule needs a migration of its own)', () => {
    expect(appPasswordRefusalSql()).toBe(APP_PASSWORD_REFUSAL_SQL);
  });
});
