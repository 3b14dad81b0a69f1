import type { DataSource } from 'typeorm';

/**
 * `days` pass for one tenant, as a clock would for the daily clean-up: every time of its app passwords, of their
 * notices, of its policy's last change and of its job (the last run, and how far its notices looked) moves that much
 * earlier, with triggers off so that the move is not taken for a use.
 */
export async function passDays(db: DataSource, tenantId: string, days: number): Promise<void> {
  await db.transaction(async (m) => {
    await m.query(`SET LOCAL session_replication_role = replica`);
    const by = `make_interval(days => ${days})`;
    await m.query(
      `UPDATE app_passwords SET created_at = created_at - ${by}, last_used_at = last_used_at - ${by}, expires_at = expires_at - ${by}
        WHERE tenant_id = $1`,
      [tenantId],
    );
    await m.query(`UPDATE app_password_unused_notices SET noticed_at = noticed_at - ${by} WHERE tenant_id = $1`, [tenantId]);
    await m.query(`UPDATE tenant_policies SET updated_at = updated_at - ${by} WHERE tenant_id = $1`, [tenantId]);
    await m.query(
      `UPDATE tenant_jobs SET last_run_at = last_run_at - ${by}, noticed_through = noticed_through - ${by} WHERE tenant_id = $1`,
      [tenantId],
    );
  });
}
