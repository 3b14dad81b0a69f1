import { ScimError, scimInvalidFilter, scimInvalidPath } from './scim.errors.js';

/**
 * SCIM filters and attribute paths (RFC 7644 §3.4.2.2 and §3.5.2), parsed
 * whole into a tree; what this server can answer is decided afterwards
 * (`userQuery` below, `scim-patch.ts`). Attribute names, operators and
 * keywords are case-insensitive; anything that does not parse is refused
 * with a SCIM error, never an exception of another kind.
 */
export type CompareOp = 'eq' | 'ne' | 'co' | 'sw' | 'ew' | 'gt' | 'lt' | 'ge' | 'le';
export type FilterValue = string | number | boolean | null;

export interface AttrPath {
  /** The schema URN written before the attribute, if any (`urn:ietf:params:scim:schemas:core:2.0:User`). */
  schema?: string;
  attribute: string;
  /** `emails[type eq "work"]`: which values of a multi-valued attribute. */
  filter?: FilterNode;
  subAttribute?: string;
}

export type FilterNode =
  | { kind: 'compare'; path: AttrPath; op: CompareOp; value: FilterValue }
  | { kind: 'present'; path: AttrPath }
  | { kind: 'and' | 'or'; left: FilterNode; right: FilterNode }
  | { kind: 'not'; filter: FilterNode };

export const MAX_FILTER_LENGTH = 2000;
const MAX_DEPTH = 10;
const COMPARE_OPS: ReadonlySet<string> = new Set(['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'lt', 'ge', 'le']);
const NAME = /[A-Za-z][\w$-]*/y;
const URN = /urn:[A-Za-z0-9:._-]*/iy;
// A JSON string: no raw control characters (\p{Cc}), escapes checked by JSON.parse.
const STRING = /"(?:[^"\\\p{Cc}]|\\.)*"/uy;
const NUMBER = /-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const WORD = /[A-Za-z]+/y;

class Parser {
  private pos = 0;
  private inBrackets = false;
  constructor(
    private readonly text: string,
    private readonly fail: (detail: string) => ScimError,
  ) {}

  done(): boolean {
    this.spaces();
    return this.pos >= this.text.length;
  }

  private spaces(): void {
    while (this.text[this.pos] === ' ') this.pos++;
  }

  private match(re: RegExp): string | undefined {
    re.lastIndex = this.pos;
    const found = re.exec(this.text);
    if (!found) return undefined;
    this.pos += found[0].length;
    return found[0];
  }

  private peekWord(): string | undefined {
    WORD.lastIndex = this.pos;
    return WORD.exec(this.text)?.[0].toLowerCase();
  }

  private expect(char: string): void {
    this.spaces();
    if (this.text[this.pos] !== char) throw this.fail(`Expected "${char}" at position ${this.pos + 1}.`);
    this.pos++;
  }

  private error(what: string): ScimError {
    return this.fail(`${what} at position ${this.pos + 1}.`);
  }

  /** FILTER = or-expression of and-expressions of unary ones; `depth` counts brackets and parentheses. */
  filter(depth: number): FilterNode {
    if (depth > MAX_DEPTH) throw this.error('Too deeply nested');
    let node = this.and(depth);
    for (;;) {
      this.spaces();
      if (this.peekWord() !== 'or') return node;
      this.pos += 2;
      node = { kind: 'or', left: node, right: this.and(depth) };
    }
  }

  private and(depth: number): FilterNode {
    let node = this.unary(depth);
    for (;;) {
      this.spaces();
      if (this.peekWord() !== 'and') return node;
      this.pos += 3;
      node = { kind: 'and', left: node, right: this.unary(depth) };
    }
  }

  private unary(depth: number): FilterNode {
    this.spaces();
    if (this.peekWord() === 'not' && /^not\s*\(/i.test(this.text.slice(this.pos, this.pos + 20))) {
      this.pos += 3;
      return { kind: 'not', filter: this.group(depth + 1) };
    }
    if (this.text[this.pos] === '(') return this.group(depth + 1);
    const path = this.attrPath(depth + 1, true);
    this.spaces();
    const op = this.match(WORD)?.toLowerCase();
    if (op === 'pr') return { kind: 'present', path };
    if (!op || !COMPARE_OPS.has(op)) throw this.error('Expected an operator (eq, ne, co, sw, ew, gt, lt, ge, le or pr)');
    this.spaces();
    return { kind: 'compare', path, op: op as CompareOp, value: this.value() };
  }

  private group(depth: number): FilterNode {
    if (depth > MAX_DEPTH) throw this.error('Too deeply nested');
    this.expect('(');
    const inner = this.filter(depth);
    this.expect(')');
    return inner;
  }

  private value(): FilterValue {
    const string = this.match(STRING);
    if (string !== undefined) {
      try {
        return JSON.parse(string) as string;
      } catch {
        throw this.error('A string with a broken escape');
      }
    }
    const number = this.match(NUMBER);
    if (number !== undefined) return Number(number);
    const word = this.match(WORD)?.toLowerCase();
    if (word === 'true') return true;
    if (word === 'false') return false;
    if (word === 'null') return null;
    throw this.error('Expected a value: a "quoted string", a number, true, false or null');
  }

  /** `[urn…:]name[.sub]` or `name[filter][.sub]`; a filter in brackets only where `brackets` allows it. */
  attrPath(depth: number, brackets: boolean): AttrPath {
    this.spaces();
    let schema: string | undefined;
    let name: string | undefined;
    const urn = this.match(URN);
    if (urn !== undefined) {
      const cut = urn.lastIndexOf(':');
      schema = urn.slice(0, cut);
      // The attribute is what follows the URN's last colon: `…:User:name.givenName`, `…:2.0:User:emails[…]`.
      const rest = urn.slice(cut + 1);
      const dot = rest.indexOf('.');
      name = dot === -1 ? rest : rest.slice(0, dot);
      if (!/^[A-Za-z][\w$-]*$/.test(name)) throw this.error('Expected an attribute name after the schema URN');
      if (dot !== -1) {
        const sub = rest.slice(dot + 1);
        if (!/^[A-Za-z][\w$-]*$/.test(sub)) throw this.error('Expected a sub-attribute name');
        return { schema, attribute: name, subAttribute: sub };
      }
    } else {
      name = this.match(NAME);
      if (name === undefined) throw this.error('Expected an attribute name');
    }
    const path: AttrPath = { ...(schema ? { schema } : {}), attribute: name };
    if (this.text[this.pos] === '[') {
      // Inside brackets an attribute has no brackets of its own (RFC 7644's valFilter).
      if (!brackets || this.inBrackets) throw this.error('A filter in brackets is not allowed here');
      this.pos++;
      this.inBrackets = true;
      path.filter = this.filter(depth + 1);
      this.inBrackets = false;
      this.expect(']');
    }
    if (this.text[this.pos] === '.') {
      this.pos++;
      const sub = this.match(NAME);
      if (sub === undefined) throw this.error('Expected a sub-attribute name');
      path.subAttribute = sub;
    }
    return path;
  }
}

/** A `filter` query parameter, whole; 400 invalidFilter for anything that is not one. */
export function parseFilter(text: string): FilterNode {
  if (text.length > MAX_FILTER_LENGTH) throw scimInvalidFilter(`A filter is at most ${MAX_FILTER_LENGTH} characters.`);
  const parser = new Parser(text, scimInvalidFilter);
  const node = parser.filter(0);
  if (!parser.done()) throw scimInvalidFilter('The filter has more after its end; combine comparisons with "and".');
  return node;
}

/** A PATCH operation's `path`; 400 invalidPath for anything that is not one. */
export function parsePath(text: string): AttrPath {
  if (text.length > MAX_FILTER_LENGTH) throw scimInvalidPath(`A path is at most ${MAX_FILTER_LENGTH} characters.`);
  const parser = new Parser(text, (detail) => scimInvalidPath(`The path is not valid: ${detail}`));
  const path = parser.attrPath(0, true);
  if (!parser.done()) throw scimInvalidPath('The path is not valid: it has more after its end.');
  return path;
}

/** The core User schema, the only one whose attributes this server keeps. */
export const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';

/** Whether a path names the core User schema's attribute (no URN, or the User schema's URN). */
export const isCoreUserPath = (path: AttrPath): boolean =>
  path.schema === undefined || path.schema.toLowerCase() === USER_SCHEMA.toLowerCase();

/** `emails[type eq "work"]` (or `primary eq true`): the one email this server keeps, the work address. */
export function isWorkEmailFilter(node: FilterNode | undefined): boolean {
  if (!node || node.kind !== 'compare' || node.op !== 'eq' || node.path.filter || node.path.subAttribute) return false;
  const attribute = node.path.attribute.toLowerCase();
  return (
    (attribute === 'type' && typeof node.value === 'string' && node.value.toLowerCase() === 'work') ||
    (attribute === 'primary' && node.value === true)
  );
}

/** What the user list can be filtered by: each is an equality, all must hold. */
export type UserCondition = { field: 'userName' | 'externalId' | 'email' | 'id'; value: string };

/**
 * The conditions of a list filter: `userName eq "…"`, `externalId eq "…"`,
 * `id eq "…"`, `emails eq "…"`, `emails.value eq "…"` or
 * `emails[type eq "work"].value eq "…"`, joined with `and`. Everything else
 * is refused (invalidFilter) rather than answered wrongly.
 */
export function userQuery(node: FilterNode): UserCondition[] {
  if (node.kind === 'and') return [...userQuery(node.left), ...userQuery(node.right)];
  const unsupported = () =>
    scimInvalidFilter(
      'Only equality with a string on userName, externalId, id or emails[type eq "work"].value, joined with "and", can filter users.',
    );
  if (node.kind !== 'compare' || node.op !== 'eq' || typeof node.value !== 'string' || !isCoreUserPath(node.path)) throw unsupported();
  const { attribute, subAttribute, filter } = node.path;
  const name = attribute.toLowerCase();
  const sub = subAttribute?.toLowerCase();
  if (name === 'emails' && (sub === undefined || sub === 'value') && (filter === undefined || isWorkEmailFilter(filter))) {
    return [{ field: 'email', value: node.value }];
  }
  if (filter || sub) throw unsupported();
  if (name === 'username') return [{ field: 'userName', value: node.value }];
  if (name === 'externalid') return [{ field: 'externalId', value: node.value }];
  if (name === 'id') return [{ field: 'id', value: node.value }];
  throw unsupported();
}
