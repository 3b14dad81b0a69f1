import { Field, ObjectType, type ClassType } from 'type-graphql';
import { badInput } from './errors.js';
import { textProblem } from './text.js';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 200;
/** How `first` is described in the schema. */
export const PAGE_SIZE_DESCRIPTION = `1–${MAX_PAGE_SIZE}, default ${DEFAULT_PAGE_SIZE}.`;

/** `first` from a client: 1–200, 50 when absent. */
export function pageSize(first: number | null | undefined): number {
  if (first === null || first === undefined) return DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) {
    throw badInput(`first must be a whole number from 1 to ${MAX_PAGE_SIZE}.`, 'first');
  }
  return first;
}

/**
 * Keyset cursors: the sort key and id of the last row, opaque to clients
 * (base64url JSON). A page never uses OFFSET, so page 10 000 costs what
 * page 1 costs, and rows inserted meanwhile don't shift what comes next.
 */
export function encodeCursor(key: string | number | null, id: string): string {
  return Buffer.from(JSON.stringify([key, id])).toString('base64url');
}

export function decodeCursor(
  cursor: string | null | undefined,
  keyKind: 'timestamp' | 'text',
): { key: string | null; id: string } | undefined {
  if (cursor === null || cursor === undefined) return undefined;
  const invalid = () => badInput('The cursor is not valid; start again from the first page.', 'after');
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (!Array.isArray(parsed) || parsed.length !== 2) throw invalid();
  const [key, id] = parsed as [unknown, unknown];
  if (typeof id !== 'string' || id.length > 64 || textProblem(id)) throw invalid();
  if (key !== null && (typeof key !== 'string' || textProblem(key))) throw invalid();
  // Timestamps travel as PostgreSQL's own text (microseconds intact); never-used sorts as '-infinity'.
  if (keyKind === 'timestamp' && key !== null && key !== '-infinity' && !isPostgresTimestamp(key)) throw invalid();
  return { key, id };
}

/** timestamptz as PostgreSQL writes it: `2026-01-02 03:04:05.123456+00` (the offset may have minutes, even seconds). */
const POSTGRES_TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.\d{1,6})?[+-]\d{2}(?::\d{2}){0,2}$/;

/**
 * Whether PostgreSQL reads `text` back as the timestamptz it wrote. Date.parse
 * is no test: it takes "1" or 30 February, which PostgreSQL refuses.
 */
export function isPostgresTimestamp(text: string): boolean {
  const parts = POSTGRES_TIMESTAMP.exec(text);
  if (!parts) return false;
  const [year, month, day, hour, minute, second] = parts.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return year >= 1 && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth && hour <= 23 && minute <= 59 && second <= 59;
}

@ObjectType({ description: 'Where a page ends, and whether there is more.' })
export class PageInfo {
  @Field(() => Boolean)
  hasNextPage!: boolean;

  @Field(() => String, { nullable: true, description: 'Pass as `after` to get the next page.' })
  endCursor!: string | null;
}

export interface Page<T> {
  edges: Array<{ node: T; cursor: string }>;
  pageInfo: PageInfo;
}

/** Turns `first + 1` fetched rows into a page: the extra row only says there is more. */
export function toPage<T>(rows: T[], first: number, cursorOf: (row: T) => string): Page<T> {
  const nodes = rows.slice(0, first);
  const edges = nodes.map((node) => ({ node, cursor: cursorOf(node) }));
  return { edges, pageInfo: { hasNextPage: rows.length > first, endCursor: edges.at(-1)?.cursor ?? null } };
}

/** The Relay edge and connection types for a node type. */
export function connectionTypes<T extends object>(name: string, node: ClassType<T>) {
  @ObjectType(`${name}Edge`)
  class Edge {
    @Field(() => node)
    node!: T;

    @Field(() => String)
    cursor!: string;
  }

  @ObjectType(`${name}Connection`)
  class Connection {
    @Field(() => [Edge])
    edges!: Edge[];

    @Field(() => PageInfo)
    pageInfo!: PageInfo;
  }
  return { Edge, Connection };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/** Ids from a client: each must be a UUID, else BAD_USER_INPUT naming the field. */
export function requireUuids(ids: readonly string[], field: string): void {
  if (ids.some((id) => !UUID.test(id))) throw badInput(`${field} holds a value that is not a valid id.`, field);
}
