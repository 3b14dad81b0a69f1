import { describe, expect, inject, it } from 'vitest';
import { createDataSource, migrate, migrations } from '../../server/src/db/data-source.js';
import { withEmptyDatabase } from '../support/databases.js';

describe('migrations', () => {
  it('two instances starting together on an empty database: one migrates, the other waits and finds nothing to do', async () => {
    await withEmptyDatabase('migrations', async (url) => {
      const instances = [createDataSource(url, 1), createDataSource(url, 1)];
      await Promise.all(instances.map((db) => db.initialize()));
      try {
        const applied = await Promise.all(instances.map((db) => migrate(db)));
        expect(applied.map((names) => names.length).sort()).toEqual([0, migrations.length]);
        const [{ count }] = await instances[0]!.query('SELECT count(*)::int AS count FROM schema_migrations');
        expect(count).toBe(migrations.length);
        expect(await migrate(instances[1]!)).toEqual([]);
      } finally {
        await Promise.all(instances.map((db) => db.destroy()));
      }
    });
  });

  it('names every index and constraint of our tables explicitly (nothing left to the ORM)', async () => {
    const db = createDataSource(inject('databaseUrl'), 1);
    await db.initialize();
    try {
      const generated = await db.query(
        `SELECT name FROM (
           SELECT indexname AS name FROM pg_indexes WHERE schemaname = 'public' AND tablename <> 'schema_migrations'
           UNION ALL
           SELECT conname FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
            WHERE n.nspname = 'public' AND c.conrelid <> 'schema_migrations'::regclass
         ) AS names WHERE name ~ '^(PK|FK|UQ|IDX|REL|CHK)_'`,
        // schema_migrations is TypeORM's own bookkeeping table, named by it.
      );
      expect(generated).toEqual([]);
    } finally {
      await db.destroy();
    }
  });
});
