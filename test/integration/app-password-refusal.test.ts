import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { DataSource } from 'typeorm';
import { createDataSource } from '../../server/src/db/data-source.js';
import { APP_PASSWORD_REFUSAL_CASES, expiresAtOf } from '../../server/src/modules/app-passwords/app-password-refusal.cases.js';
import { appPasswordRefusal, appPasswordRefusalSql } from '../../server/src/modules/app-passwords/app-password-refusal.js';
import type { ExistingAppPasswords } from '../../server/src/modules/tenant-policies/tenant-policy.entity.js';
import type { UserStatus } from '../../server/src/modules/users/user.entity.js';
import { createTenant, createUser, insertAppPasswords } from '../support/factories.js';

/**
 * Why a right app password is refused has one home
 * (app-passwords/app-password-refusal.ts); PostgreSQL runs its SQL half in the
 * two check functions (cold: app_password_sign_in_candidate, warm:
 * confirm_app_passwords). The same case table goes through the TypeScript
 * rule, the generated SQL and both installed functions.
 */
describe('why a right app password is refused, in TypeScript and in PostgreSQL', () => {
  let db: DataSource;

  beforeAll(async () => {
    db = await createDataSource(inject('databaseUrl'), 2).initialize();
  });
  afterAll(async () => {
    await db?.destroy();
  });

  it.each(APP_PASSWORD_REFUSAL_CASES)(
    '$userStatus user, expiry $expiry, app passwords on: $appPasswordsEnabled, $existingWhenDisabled → $refusal',
    async (c) => {
      const tenant = await createTenant(db, { appPasswordsEnabled: c.appPasswordsEnabled });
      await db.query('UPDATE tenant_policies SET existing_when_disabled = $2 WHERE tenant_id = $1', [tenant.id, c.existingWhenDisabled]);
      const user = await createUser(db, tenant, { disabled: c.userStatus === 'DISABLED' });
      const [id] = await insertAppPasswords(db, user, 1);
      const [{ now }]: [{ now: Date }] = await db.query('SELECT now() AS now');
      const expiresAt = expiresAtOf(c, now);
      await db.query('UPDATE app_passwords SET expires_at = $2 WHERE id = $1', [id, expiresAt]);

      const typescript = appPasswordRefusal(
        {
          userStatus: c.userStatus as UserStatus,
          expiresAt,
          policy: {
            appPasswordsEnabled: c.appPasswordsEnabled,
            existingWhenDisabled: c.existingWhenDisabled as ExistingAppPasswords.BLOCK,
          },
        },
        now,
      );
      const [generated] = await db.query(
        `SELECT ${appPasswordRefusalSql()} AS refusal
           FROM app_passwords ap JOIN users u ON u.id = ap.user_id JOIN tenant_policies tp ON tp.tenant_id = ap.tenant_id
          WHERE ap.id = $1`,
        [id],
      );
      const [warm] = await db.query('SELECT refusal FROM confirm_app_passwords(ARRAY[$1]::uuid[])', [id]);
      const [cold] = await db.query(
        `SELECT c.refusal FROM app_passwords ap, app_password_sign_in_candidate($2, ARRAY[ap.lookup_tag], NULL) c WHERE ap.id = $1`,
        [id, user.email.toLowerCase()],
      );
      expect({ typescript, generated: generated.refusal, warm: warm.refusal, cold: cold.refusal }).toEqual({
        typescript: c.refusal,
        generated: c.refusal,
        warm: c.refusal,
        cold: c.refusal,
      });
    },
  );

  it('a revoked app password is not refused but gone: the warm check finds nothing (REVOKED)', async () => {
    const user = await createUser(db, await createTenant(db));
    const [id] = await insertAppPasswords(db, user, 1);
    await db.query('DELETE FROM app_passwords WHERE id = $1', [id]);
    expect(await db.query('SELECT * FROM confirm_app_passwords(ARRAY[$1]::uuid[])', [id])).toEqual([]);
  });
});
