import { ApolloServer } from '@apollo/server';
import { GraphQLScalarType, buildSchema } from 'graphql';
import { describe, expect, it } from 'vitest';
import type { Context } from './context.js';
import { compiledQueries } from './compiled-queries.js';

const sdl = `
  scalar DateTime
  type Row { id: ID! name: String created: DateTime! tags: [String!]! }
  type Query { rows: [Row!]! fails: String count: Int! }
  type Mutation { touch: Int! }
`;

/** A schema with a list of rows, a custom scalar, a field that throws, and a mutation; resolver calls are counted. */
function server(compiled: boolean) {
  const schema = buildSchema(sdl);
  const calls = { rows: 0, touch: 0 };
  const rows = Array.from({ length: 3 }, (_, i) => ({
    id: `r${i}`,
    name: i === 1 ? null : `Row ${i}`,
    created: new Date(Date.UTC(2026, 0, i + 1)),
    tags: ['a', 'b'],
  }));
  Object.assign(schema.getType('DateTime') as GraphQLScalarType, { serialize: (value: Date) => value.toISOString() });
  const query = schema.getQueryType()!.getFields();
  query.rows!.resolve = async () => (calls.rows++, rows);
  query.fails!.resolve = () => {
    throw new Error('secret detail');
  };
  query.count!.resolve = () => rows.length;
  schema.getMutationType()!.getFields().touch!.resolve = () => ++calls.touch;
  const apollo = new ApolloServer<Context>({
    schema,
    formatError: (formatted) => ({ message: 'masked', extensions: { code: formatted.extensions?.code } }),
    plugins: compiled ? [compiledQueries(schema)] : [],
  });
  return { apollo, calls };
}

/** The answer to `query` sent twice (a document is compiled on its second use), and the resolver calls of the second. */
async function answer(compiled: boolean, query: string) {
  const { apollo, calls } = server(compiled);
  await apollo.start();
  try {
    await apollo.executeOperation({ query }, { contextValue: {} as Context });
    Object.assign(calls, { rows: 0, touch: 0 });
    const response = await apollo.executeOperation({ query }, { contextValue: {} as Context });
    const body = response.body.kind === 'single' ? response.body.singleResult : undefined;
    return { body: JSON.stringify(body), calls };
  } finally {
    await apollo.stop();
  }
}

describe('compiledQueries', () => {
  it('answers a query as graphql-js does, resolving each field once', async () => {
    const query = '{ rows { id name created tags } n: count }';
    const [plain, compiled] = [await answer(false, query), await answer(true, query)];
    expect(compiled.body).toBe(plain.body);
    expect(JSON.parse(compiled.body).data.rows[1]).toEqual({ id: 'r1', name: null, created: '2026-01-02T00:00:00.000Z', tags: ['a', 'b'] });
    expect(compiled.calls.rows).toBe(1);
  });

  it('leaves a query with an error to Apollo: the same masked error and partial data', async () => {
    const query = '{ count fails rows { id } }';
    const [plain, compiled] = [await answer(false, query), await answer(true, query)];
    expect(compiled.body).toBe(plain.body);
    // Read twice: once compiled (its answer had an error, so it was dropped), once the ordinary way.
    expect([plain.calls.rows, compiled.calls.rows]).toEqual([1, 2]);
    expect(JSON.parse(compiled.body)).toEqual({
      data: { count: 3, fails: null, rows: [{ id: 'r0' }, { id: 'r1' }, { id: 'r2' }] },
      errors: [{ message: 'masked', extensions: { code: 'INTERNAL_SERVER_ERROR' } }],
    });
  });

  it('runs a mutation the ordinary way, once', async () => {
    const compiled = await answer(true, 'mutation { touch }');
    expect(JSON.parse(compiled.body)).toEqual({ data: { touch: 1 } });
    expect(compiled.calls.touch).toBe(1);
  });
});
