import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What an app password was used for and from (migration Services) went with
 * it through ON DELETE CASCADE: two referential triggers per deleted row,
 * which more than doubled the cost of a bulk revoke (pnpm bench figure 7:
 * 21 → 49 µs per row). The one statement that deletes app passwords
 * (app-password-revocation.ts) now deletes their uses with them, set-based.
 */
export class AppPasswordUsesCleanup1796900000000 implements MigrationInterface {
  name = 'AppPasswordUsesCleanup1796900000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE app_password_service_uses DROP CONSTRAINT app_password_service_uses_app_password_id_fkey');
    await db.query('ALTER TABLE app_password_networks DROP CONSTRAINT app_password_networks_app_password_id_fkey');
  }

  async down(db: QueryRunner): Promise<void> {
    for (const table of ['app_password_service_uses', 'app_password_networks']) {
      await db.query(`DELETE FROM ${table} t WHERE NOT EXISTS (SELECT 1 FROM app_passwords ap WHERE ap.id = t.app_password_id)`);
      await db.query(
        `ALTER TABLE ${table} ADD CONSTRAINT ${table}_app_password_id_fkey FOREIGN KEY (app_password_id) REFERENCES app_passwords (id) ON DELETE CASCADE`,
      );
    }
  }
}
