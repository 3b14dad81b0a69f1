import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { SCHEMA_FILE, emittedSchema } from './emit-schema.js';

describe('schema/schema.graphql', () => {
  it('matches what the server emits (run `pnpm schema:emit` after changing the API)', async () => {
    expect(await readFile(SCHEMA_FILE, 'utf8')).toBe(await emittedSchema());
  });
});
