import { HeaderMap, type ApolloServerPlugin, type GraphQLRequestListener } from '@apollo/server';
import type { GraphQLSchema } from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';
import type { Context } from './context.js';

/** Distinct query documents kept (compiled, or counted until their second use); past it the oldest goes. */
const MAX_KEPT = 500;

/**
 * Runs GraphQL queries through graphql-jit: each document (Apollo has parsed
 * and validated it already, and keeps it by hash) is compiled once into a
 * function that resolves and serialises exactly what it selects. graphql-js
 * spent most of a 40-row security-info answer's execution on its per-field
 * generality (an info object, argument values and type checks for every
 * field of every row); compiled, the same answer costs a fifth.
 *
 * Compiling costs milliseconds, so a document is compiled on its second use:
 * the console sends the same few dozen again and again, while documents that
 * come once (hand-written, generated, hostile) run the ordinary way and cost
 * no compiling. Only queries, and only answers without errors: when the compiled query
 * reports any error, Apollo runs the query again the ordinary way, so every
 * error is found, masked and logged as always. A query only reads (in the
 * request's read-only transaction), so running it twice changes nothing.
 * Mutations always run the ordinary way.
 */
export function compiledQueries(schema: GraphQLSchema): ApolloServerPlugin<Context> {
  /** By query hash and operation: the compiled query, null when it cannot be compiled, or how often it was seen. */
  const kept = new Map<string, CompiledQuery | null | number>();

  const compiledFor = (key: string, compile: () => CompiledQuery | null): CompiledQuery | null => {
    const found = kept.get(key);
    if (found === undefined) {
      if (kept.size >= MAX_KEPT) kept.delete(kept.keys().next().value!);
      kept.set(key, 1);
      return null;
    }
    if (typeof found !== 'number') return found;
    const made = compile();
    kept.set(key, made);
    return made;
  };

  const listener: GraphQLRequestListener<Context> = {
    async responseForOperation({ operation, operationName, document, queryHash, request, contextValue }) {
      if (operation.operation !== 'query') return null;
      const query = compiledFor(`${queryHash}:${operationName ?? ''}`, () => {
        const made = compileQuery(schema, document, operationName ?? undefined);
        return isCompiledQuery(made) ? made : null;
      });
      if (!query) return null;
      let result: Awaited<ReturnType<CompiledQuery['query']>>;
      try {
        result = await query.query(undefined, contextValue, request.variables ?? {});
      } catch {
        return null; // graphql-js will meet (and report) the same problem
      }
      if (result.errors?.length || !result.data) return null;
      return { http: { status: undefined, headers: new HeaderMap() }, body: { kind: 'single', singleResult: { data: result.data } } };
    },
  };
  return { requestDidStart: async () => listener };
}
