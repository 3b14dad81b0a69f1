import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { notFound } from './errors.js';
import { createFormatError, isUnexpectedError } from './format-error.js';

function format(error: unknown) {
  const logged: unknown[] = [];
  const graphQLError = error instanceof GraphQLError ? error : new GraphQLError('x', { originalError: error as Error, path: ['viewer'] });
  const formatted = createFormatError((e) => logged.push(e))(graphQLError.toJSON(), graphQLError);
  return { formatted, logged };
}

describe('formatError', () => {
  it('passes our own errors through with their code and message', () => {
    const { formatted, logged } = format(notFound('App password'));
    expect(formatted).toMatchObject({ message: 'App password not found.', extensions: { code: 'NOT_FOUND' } });
    expect(logged).toEqual([]);
  });

  it('masks anything unexpected: no message, SQL or stack reaches the client, but the log has it', () => {
    const internal = new Error('duplicate key value violates unique constraint "users_pkey" at /srv/app/x.ts:1');
    const { formatted, logged } = format(internal);
    expect(formatted).toMatchObject({
      message: 'Something went wrong on the server.',
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
      path: ['viewer'],
    });
    expect(JSON.stringify(formatted)).not.toMatch(/constraint|srv|stack/);
    expect(logged).toEqual([internal]);
  });

  it('answers SERVICE_UNAVAILABLE, with no details, when the database cannot be reached; the log has the cause', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 10.1.2.3:5432'), { code: 'ECONNREFUSED' });
    const { formatted, logged } = format(refused);
    expect(formatted).toMatchObject({ extensions: { code: 'SERVICE_UNAVAILABLE', retryAfterSeconds: 5 }, path: ['viewer'] });
    expect(JSON.stringify(formatted)).not.toMatch(/ECONNREFUSED|10\.1\.2\.3|5432|http/);
    expect(logged).toEqual([refused]);
  });

  it('passes an unknown persisted query through as Apollo raised it, so Apollo Client sends the full query; nothing logged', () => {
    const { formatted, logged } = format(new GraphQLError('PersistedQueryNotFound', { extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' } }));
    expect(formatted).toEqual({ message: 'PersistedQueryNotFound', extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' } });
    expect(logged).toEqual([]);
  });

  it('masks a GraphQLError that claims a code we do not issue', () => {
    const { formatted } = format(new GraphQLError('boom', { extensions: { code: 'SOMETHING_ELSE', secret: 'x' } }));
    expect(formatted.extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR' });
  });

  it('isUnexpectedError picks exactly the errors it masks, which are the ones worth a log line', () => {
    const samples = [
      notFound('App password'),
      new GraphQLError('Syntax Error', { extensions: { code: 'GRAPHQL_PARSE_FAILED' } }),
      new GraphQLError('Cannot query field', { extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }),
      new GraphQLError('Variable "$id" got invalid value', { extensions: { code: 'BAD_USER_INPUT' } }),
      new GraphQLError('PersistedQueryNotFound', { extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' } }),
      new GraphQLError('x', { originalError: new Error('connection refused'), path: ['viewer'] }),
      new GraphQLError('boom', { extensions: { code: 'SOMETHING_ELSE' } }),
      new Error('context creation failed'),
    ];
    for (const error of samples) {
      const graphQLError = error instanceof GraphQLError ? error : new GraphQLError(error.message, { originalError: error });
      const formatted = createFormatError(() => undefined)(graphQLError.toJSON(), graphQLError);
      expect(isUnexpectedError(error), error.message).toBe(formatted.extensions?.code === 'INTERNAL_SERVER_ERROR');
    }
    expect(samples.map((e) => isUnexpectedError(e))).toEqual([false, false, false, false, false, true, true, true]);
  });
});
