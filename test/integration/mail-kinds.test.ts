import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { DataSource } from 'typeorm';
import { createDataSource } from '../../server/src/db/data-source.js';
import { AuditAction } from '../../server/src/modules/audit/audit-event.entity.js';
import { MAIL_KINDS } from '../../server/src/modules/notifications/mail-kinds.js';
import { createTenant, createUser } from '../support/factories.js';

/**
 * Which audit actions mail their user is written twice, necessarily: in
 * TypeScript (notifications/mail-kinds.ts, a structure and words for each) and
 * in PostgreSQL (the trigger that queues mails, installed by migration
 * MailNotifications and changed only by new migrations). This asks the
 * migrated database itself: every audit action is recorded once, by the
 * system, about a user, and the kinds it queued must be exactly the kinds the
 * server can write.
 */
describe('the mails the database queues and the mails the server writes', () => {
  let db: DataSource;

  beforeAll(async () => {
    db = await createDataSource(inject('databaseUrl'), 1).initialize();
  });
  afterAll(async () => {
    await db?.destroy();
  });

  it('are the same kinds', async () => {
    const tenant = await createTenant(db);
    const user = await createUser(db, tenant);
    const runner = db.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction();
      // As a server with SMTP_URL set (db/data-source.ts); rolled back below, so nothing is ever sent.
      await runner.query(`SELECT set_config('app_passwords.mail', 'on', true)`);
      for (const action of Object.values(AuditAction)) {
        await runner.query(
          `INSERT INTO audit_events (tenant_id, action, actor_type, target_user_id, details) VALUES ($1, $2, 'system', $3, '{}')`,
          [tenant.id, action, user.id],
        );
      }
      const queued: Array<{ kind: string }> = await runner.query('SELECT DISTINCT kind FROM mail_messages WHERE user_id = $1', [user.id]);
      expect(queued.map((q) => q.kind).sort()).toEqual([...MAIL_KINDS].sort());
    } finally {
      if (runner.isTransactionActive) await runner.rollbackTransaction();
      await runner.release();
    }
  });
});
