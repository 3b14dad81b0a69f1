import { ArgsType, Field, Int, ObjectType, type ClassType } from 'type-graphql';
import { badInput } from './errors.js';
import { textProblem } from './text.js';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 200;

/** `first` (or `last`) from a client: 1–200, 50 when absent. */
export function pageSize(first: number | null | undefined, argument: 'first' | 'last' = 'first'): number {
  if (first === null || first === undefined) return DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) {
    throw badInput(`${argument} must be a whole number from 1 to ${MAX_PAGE_SIZE}.`, argument);
  }
  return first;
}

/** The paging arguments of a connection read both ways. */
export interface PageArgs {
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
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
  argument: 'after' | 'before' = 'after',
): { key: string | null; id: string } | undefined {
  if (cursor === null || cursor === undefined) return undefined;
  const invalid = () => badInput('The cursor is not valid; start again from the first page.', argument);
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

/** The paging arguments' descriptions, the same on every connection. */
export const AFTER_DESCRIPTION = 'Start after this cursor (pageInfo.endCursor or an edge’s cursor); from the start when absent.';
export const LAST_DESCRIPTION =
  `Page backward: how many edges to return from the end of the list, or just before \`before\`: 1–${MAX_PAGE_SIZE}. ` +
  'The edges still come in list order. Takes precedence over first.';
export const BEFORE_DESCRIPTION =
  'End just before this cursor (pageInfo.startCursor or an edge’s cursor); at the end of the list when absent.';

/** The paging arguments of a newest-first list read both ways; a list's own arguments (its filter) extend them. */
@ArgsType()
export class NewestFirstPageArgs implements PageArgs {
  @Field(() => Int, {
    nullable: true,
    defaultValue: DEFAULT_PAGE_SIZE,
    description: `How many to return, newest first: 1–${MAX_PAGE_SIZE}.`,
  })
  first?: number;

  @Field(() => String, { nullable: true, description: AFTER_DESCRIPTION })
  after?: string;

  @Field(() => Int, { nullable: true, description: LAST_DESCRIPTION })
  last?: number;

  @Field(() => String, { nullable: true, description: BEFORE_DESCRIPTION })
  before?: string;
}

@ObjectType({ description: 'Where a page begins and ends, and whether there is more on either side.' })
export class PageInfo {
  @Field(() => Boolean, { description: 'There are more edges after endCursor: pass it as `after` to get them.' })
  hasNextPage!: boolean;

  @Field(() => Boolean, {
    description:
      'There are edges before startCursor: pass it as `before` (with `last`) to get them. ' +
      'Always false on lists read forward only (those without a `before` argument).',
  })
  hasPreviousPage!: boolean;

  @Field(() => String, { nullable: true, description: 'The cursor of the first edge of this page; empty when the page is empty.' })
  startCursor!: string | null;

  @Field(() => String, { nullable: true, description: 'The cursor of the last edge of this page; empty when the page is empty.' })
  endCursor!: string | null;
}

export interface Page<T> {
  edges: Array<{ node: T; cursor: string }>;
  pageInfo: PageInfo;
}

/**
 * Turns `size + 1` fetched rows into a page: the extra row only says there is
 * more in the direction read. Read backward, the rows come in reverse list
 * order and are turned round. `beyond` says whether there are edges on the
 * other side of the cursor the page started from.
 */
export function toPage<T>(
  rows: T[],
  size: number,
  cursorOf: (row: T) => string,
  { backward = false, beyond = false }: { backward?: boolean; beyond?: boolean } = {},
): Page<T> {
  const more = rows.length > size;
  const nodes = rows.slice(0, size);
  if (backward) nodes.reverse();
  const edges = nodes.map((node) => ({ node, cursor: cursorOf(node) }));
  return {
    edges,
    pageInfo: {
      hasNextPage: backward ? beyond : more,
      hasPreviousPage: backward ? more : beyond,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
  };
}

/** The Relay edge and connection types for a node type. */
export function connectionTypes<T extends object>(name: string, node: ClassType<T>, description = `A page of ${name} nodes.`) {
  @ObjectType(`${name}Edge`, { description: `One ${name} in a page, with its cursor.` })
  class Edge {
    @Field(() => node, { description: `The ${name}.` })
    node!: T;

    @Field(() => String, {
      description: 'Where this edge is in the list: pass as `after` (or `before`, where the list takes it) to continue from it.',
    })
    cursor!: string;
  }

  @ObjectType(`${name}Connection`, { description })
  class Connection {
    @Field(() => [Edge], { description: 'The edges of this page, in list order.' })
    edges!: Edge[];

    @Field(() => PageInfo, { description: 'Where this page begins and ends, and whether there is more.' })
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
