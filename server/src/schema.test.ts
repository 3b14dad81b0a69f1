import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import type { ResolverData } from 'type-graphql';
import { SCHEMA_FILE, emittedSchema } from './emit-schema.js';
import { resolverClasses, resolverContainer } from './schema.js';
import type { Services } from './services.js';

describe('schema/schema.graphql', () => {
  it('matches what the server emits (run `pnpm schema:emit` after changing the API)', async () => {
    expect(await readFile(SCHEMA_FILE, 'utf8')).toBe(await emittedSchema());
  });
});

describe('the resolvers', () => {
  const wiring = { services: {} as Services, cookieSecure: true };

  it('are each built from the one list, as an instance of their own class', () => {
    const container = resolverContainer(wiring);
    for (const resolverClass of resolverClasses) expect(container.get(resolverClass, {} as ResolverData)).toBeInstanceOf(resolverClass);
  });

  it('cannot be asked for a class that is not on the list', () => {
    class Forgotten {}
    expect(() => resolverContainer(wiring).get(Forgotten, {} as ResolverData)).toThrow(/No instance of Forgotten/);
    expect(() => resolverContainer().get(resolverClasses[0]!, {} as ResolverData)).toThrow(/No instance/);
  });
});
