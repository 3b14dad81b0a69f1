import { GraphQLError } from 'graphql';
import pg from 'pg';
import { QueryFailedError } from 'typeorm';
import { describe, expect, it } from 'vitest';
import { isDatabaseUnavailable, retryAfterOf } from './database-unavailable.js';
import { serviceUnavailable } from './errors.js';

/** An error as node-postgres builds it from PostgreSQL's ErrorResponse. */
function postgresError(code: string, message: string): pg.DatabaseError {
  const error = new pg.DatabaseError(message, message.length, 'error');
  error.code = code;
  return error;
}

const socketError = (code: string) => Object.assign(new Error(`connect ${code} 127.0.0.1:5432`), { code });

describe('isDatabaseUnavailable', () => {
  it.each([
    ['refused (PostgreSQL is down)', socketError('ECONNREFUSED')],
    ['reset mid-query', socketError('ECONNRESET')],
    ['shutting down (57P01)', postgresError('57P01', 'terminating connection due to administrator command')],
    ['crashed (57P02)', postgresError('57P02', 'terminating connection due to crash of another server process')],
    ['starting up (57P03)', postgresError('57P03', 'the database system is starting up')],
    ['too many connections (53300)', postgresError('53300', 'sorry, too many clients already')],
    ['a connection exception (08006)', postgresError('08006', 'connection failure')],
    ['a database closed for connections (55000)', postgresError('55000', 'database "app" is not currently accepting connections')],
    ['a lost connection without a code', new Error('Connection terminated unexpectedly')],
    ['a pool that could not connect in time', new Error('timeout exceeded when trying to connect')],
    ['two addresses, both refused', new AggregateError([socketError('ECONNREFUSED'), socketError('ECONNREFUSED')], '')],
    ['inside TypeORM', new QueryFailedError('SELECT 1', [], postgresError('57P01', 'terminating connection'))],
    ['inside a resolver error', new GraphQLError('x', { originalError: socketError('ECONNREFUSED'), path: ['viewer'] })],
  ])('is true when %s', (_, error) => {
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it.each([
    ['a unique violation', postgresError('23505', 'duplicate key value violates unique constraint')],
    ['a missing table', postgresError('42P01', 'relation "x" does not exist')],
    ['a cancelled statement', postgresError('57014', 'canceling statement due to statement timeout')],
    [
      'another 55000 (object not in prerequisite state)',
      postgresError('55000', 'cannot PREPARE a transaction that has exported snapshots'),
    ],
    ['a bug', new TypeError("Cannot read properties of undefined (reading 'id')")],
    ['a bad query inside TypeORM', new QueryFailedError('SELEC 1', [], postgresError('42601', 'syntax error'))],
    ['nothing', undefined],
    ['a string', 'ECONNREFUSED'],
  ])('is false for %s', (_, error) => {
    expect(isDatabaseUnavailable(error)).toBe(false);
  });
});

describe("a 503's Retry-After", () => {
  const formatted = (error: GraphQLError) => ({ extensions: error.extensions });

  it('says the wait the error says: 1 s when busy checking passwords, 5 s when the database is away', () => {
    expect(retryAfterOf([formatted(serviceUnavailable('busy'))])).toBe(1);
    expect(retryAfterOf([formatted(serviceUnavailable('database-away'))])).toBe(5);
    expect(retryAfterOf([formatted(serviceUnavailable('busy')), formatted(serviceUnavailable('database-away'))])).toBe(5);
  });

  it('is not sent for other errors', () => {
    expect(retryAfterOf([{ extensions: { code: 'BAD_USER_INPUT' } }])).toBeUndefined();
    expect(retryAfterOf(undefined)).toBeUndefined();
  });
});
