import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Which server key made each lookup tag or sealed each secret (a short public
 * id of the key), so an operator rotating APP_PASSWORD_LOOKUP_KEY can see what
 * still depends on an old key. Rows from before have none: they were made
 * under the key in use then.
 */
export class KeyIds1796100000000 implements MigrationInterface {
  name = 'KeyIds1796100000000';

  async up(db: QueryRunner): Promise<void> {
    for (const [table, column] of [
      ['app_passwords', 'lookup_key_id'],
      ['api_tokens', 'token_key_id'],
      ['totp_authenticators', 'secret_key_id'],
      ['recovery_codes', 'code_key_id'],
    ] as const) {
      await db.query(`
        ALTER TABLE ${table}
          ADD COLUMN ${column} text,
          ADD CONSTRAINT ${table}_${column}_check CHECK (${column} ~ '^[0-9a-f]{8}$')`);
    }
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE recovery_codes DROP COLUMN code_key_id');
    await db.query('ALTER TABLE totp_authenticators DROP COLUMN secret_key_id');
    await db.query('ALTER TABLE api_tokens DROP COLUMN token_key_id');
    await db.query('ALTER TABLE app_passwords DROP COLUMN lookup_key_id');
  }
}
