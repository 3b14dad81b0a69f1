import 'reflect-metadata';
import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor, isPostgresTimestamp, toPage } from './pagination.js';

describe('decodeCursor', () => {
  const id = '0f1e2d3c-4b5a-4697-8877-665544332211';

  it('gives back what encodeCursor made', () => {
    expect(decodeCursor(encodeCursor('2026-01-02 03:04:05.123456+00', id), 'timestamp')).toEqual({
      key: '2026-01-02 03:04:05.123456+00',
      id,
    });
    expect(decodeCursor(encodeCursor('-infinity', id), 'timestamp')).toEqual({ key: '-infinity', id });
    expect(decodeCursor(encodeCursor('ada@example.test', id), 'text')).toEqual({ key: 'ada@example.test', id });
  });

  it('refuses forged cursors PostgreSQL would choke on, as BAD_USER_INPUT naming after', () => {
    for (const [key, keyKind] of [
      ['1', 'timestamp'],
      ['March 7, 2026', 'timestamp'],
      ['2026-02-30 00:00:00+00', 'timestamp'],
      ['0000-01-01 00:00:00+00', 'timestamp'],
      ['a\u0000b', 'text'],
      ['\ud800', 'text'],
    ] as const) {
      expect(() => decodeCursor(encodeCursor(key, id), keyKind), key).toThrow(
        expect.objectContaining({ extensions: { code: 'BAD_USER_INPUT', field: 'after' } }),
      );
    }
    expect(() => decodeCursor(encodeCursor('ada@example.test', `${id}\u0000`), 'text')).toThrow('The cursor is not valid');
  });
});

describe('isPostgresTimestamp', () => {
  it('takes timestamptz as PostgreSQL writes it, in any offset', () => {
    for (const text of [
      '2026-01-02 03:04:05+00',
      '2024-02-29 23:59:59.999999+05:30',
      '1890-01-01 00:00:00+00:19:32',
      '0001-01-01 00:00:00-03',
    ]) {
      expect(isPostgresTimestamp(text), text).toBe(true);
    }
  });

  it('refuses what only Date.parse takes, and dates that do not exist', () => {
    for (const text of [
      '1',
      '2026',
      '2026-01-02T03:04:05Z',
      '2026-01-02 03:04:05',
      '2025-02-29 00:00:00+00',
      '2026-13-01 00:00:00+00',
      '2026-01-01 24:00:00+00',
    ]) {
      expect(isPostgresTimestamp(text), text).toBe(false);
    }
  });
});

describe('toPage', () => {
  const cursorOf = (n: number) => `c${n}`;

  it('forward: the extra row says there is a next page; beyond says there is a previous one', () => {
    expect(toPage([5, 4, 3], 2, cursorOf, { beyond: true })).toEqual({
      edges: [
        { node: 5, cursor: 'c5' },
        { node: 4, cursor: 'c4' },
      ],
      pageInfo: { hasNextPage: true, hasPreviousPage: true, startCursor: 'c5', endCursor: 'c4' },
    });
    expect(toPage([5, 4], 2, cursorOf).pageInfo).toEqual({
      hasNextPage: false,
      hasPreviousPage: false,
      startCursor: 'c5',
      endCursor: 'c4',
    });
  });

  it('backward: rows read in reverse are turned round; the extra row says there is a previous page', () => {
    expect(toPage([1, 2, 3], 2, cursorOf, { backward: true, beyond: true })).toEqual({
      edges: [
        { node: 2, cursor: 'c2' },
        { node: 1, cursor: 'c1' },
      ],
      pageInfo: { hasNextPage: true, hasPreviousPage: true, startCursor: 'c2', endCursor: 'c1' },
    });
    expect(toPage([], 2, cursorOf, { backward: true }).pageInfo).toEqual({
      hasNextPage: false,
      hasPreviousPage: false,
      startCursor: null,
      endCursor: null,
    });
  });
});
