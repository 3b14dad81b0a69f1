import { Kind, parse, type DocumentNode, type SelectionSetNode } from 'graphql';
import type { DataSource } from 'typeorm';
import type { SessionActor } from '../../common/context.js';
import { GRAPHQL_LIMITS } from '../../common/graphql-limits.js';
import { lookUpSession, sessionActorOf, sessionLookupSql, type SessionRow } from '../sign-in/session-lookup.js';
import type { SecurityInfoRow } from './security-info.read.js';

/** What a query may select for the session lookup to answer it whole: a field's own fields, or `true` for a leaf. */
interface Shape {
  readonly [field: string]: true | Shape;
}

const APP_PASSWORD: Shape = {
  id: true,
  name: true,
  createdAt: true,
  expiresAt: true,
  lastUsedAt: true,
  lastUsedIp: true,
  rotatingUntil: true,
  services: true,
  networks: true,
  usedServices: true,
  suggestedServices: true,
};

/**
 * The console's security-info page (operation SecurityInfo) and anything
 * smaller: the viewer's fields that come with the session (sessionActorOf)
 * and the security info, which the session lookup can read in the same
 * statement. A query with any other field (recent sign-ins, an app
 * password's history, admin fields) is answered the ordinary way: the
 * session lookup, then its reads in the request's transaction.
 */
const SECURITY_INFO: Shape = {
  appPasswords: APP_PASSWORD,
  appPasswordCount: true,
  appPasswordLimit: true,
  availableMethods: true,
  appPasswordsEnabled: true,
  appPasswordsRequireTwoStep: true,
  services: { key: true, nameEn: true, nameNl: true, allowed: true },
  networksRequired: true,
  maxLifetimeDays: true,
  twoStep: { enabled: true, enabledAt: true, recoveryCodesLeft: true },
};

const SECURITY_INFO_PAGE: Shape = {
  viewer: {
    id: true,
    email: true,
    displayName: true,
    role: true,
    mustChangePassword: true,
    chosenLanguage: true,
    twoStepRequiredForAdmin: true,
    signedInThroughProvider: true,
    tenant: { id: true, name: true },
    securityInfo: SECURITY_INFO,
  },
};

/** Whether `selections` stays within `shape` (fragments followed, `__typename` anywhere, no arguments), and where it meets `wanted`. */
function within(document: DocumentNode, selections: SelectionSetNode, shape: Shape, found: { wanted: boolean }, depth = 0): boolean {
  if (depth > GRAPHQL_LIMITS.maxDepth) return false;
  return selections.selections.every((selection) => {
    if (selection.kind === Kind.INLINE_FRAGMENT) return within(document, selection.selectionSet, shape, found, depth + 1);
    if (selection.kind === Kind.FRAGMENT_SPREAD) {
      const fragment = document.definitions.find((d) => d.kind === Kind.FRAGMENT_DEFINITION && d.name.value === selection.name.value);
      return fragment?.kind === Kind.FRAGMENT_DEFINITION && within(document, fragment.selectionSet, shape, found, depth + 1);
    }
    if (selection.name.value === '__typename') return true;
    const inner = shape[selection.name.value];
    if (!inner || (selection.arguments?.length ?? 0) > 0) return false;
    if (inner === SECURITY_INFO) found.wanted = true;
    if (inner === true) return !selection.selectionSet;
    return !!selection.selectionSet && within(document, selection.selectionSet, inner, found, depth + 1);
  });
}

/** Whether the query `text` (operation `operationName`) asks for the security info and nothing the session lookup cannot read with it. */
export function asksSecurityInfoAlone(text: string, operationName: string | undefined): boolean {
  let document: DocumentNode;
  try {
    document = parse(text, { noLocation: true, maxTokens: GRAPHQL_LIMITS.maxTokens });
  } catch {
    return false; // Apollo reports it
  }
  const operations = document.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION);
  const operation =
    operationName === undefined ? operations.length === 1 && operations[0] : operations.find((o) => o.name?.value === operationName);
  if (!operation || operation.operation !== 'query') return false;
  const found = { wanted: false };
  return within(document, operation.selectionSet, SECURITY_INFO_PAGE, found) && found.wanted;
}

/** Query texts already looked at, by operation name and text; past this many the oldest goes. */
const MAX_KEPT = 500;
/** The console's SecurityInfo operation is about 1 kB; a longer text is not the page. */
const MAX_TEXT = 8_192;

const SECURITY_INFO_FOR_SESSION_SQL = sessionLookupSql('security_info_for_session');

/**
 * The console's security-info page in one round trip (issue 16): when a
 * GraphQL request's query asks for the security info and nothing else the
 * session cannot answer, its session lookup is `security_info_for_session`,
 * which finds the session (`session_for_token`: expiry, idle timeout,
 * last-seen) and reads the page in the same statement, scoped to the
 * session's tenant under row-level security. Any other query looks the
 * session up alone. What was read waits in `row` for the securityInfo
 * resolver, which still makes every check it makes (a refused request reads
 * nothing more, and the row goes unused).
 */
export class SessionWithSecurityInfo {
  private readonly decided = new Map<string, boolean>();

  constructor(private readonly db: DataSource) {}

  /**
   * The session lookup for a GraphQL request with this body, when its query
   * is the security-info page: the session's actor, and what was read beside
   * it in `securityInfo`. Undefined for any other query.
   */
  for(body: unknown): CarryingLookup | undefined {
    const { query, operationName } = (body ?? {}) as { query?: unknown; operationName?: unknown };
    if (typeof query !== 'string' || query.length > MAX_TEXT) return undefined;
    const name = typeof operationName === 'string' ? operationName : undefined;
    const key = `${name ?? ''}\n${query}`;
    let alone = this.decided.get(key);
    if (alone === undefined) {
      alone = asksSecurityInfoAlone(query, name);
      if (this.decided.size >= MAX_KEPT) this.decided.delete(this.decided.keys().next().value!);
      this.decided.set(key, alone);
    }
    if (!alone) return undefined;
    const carrying: CarryingLookup = {
      lookUp: async (token) => {
        const row = await lookUpSession<SessionRow & SecurityInfoRow>(
          this.db,
          'security-info-for-session',
          SECURITY_INFO_FOR_SESSION_SQL,
          token,
        );
        // No policy row (null columns): the resolver reads the ordinary way, and says so as it always did.
        if (row?.app_passwords) {
          if (row.two_step_enabled_at !== null) row.two_step_enabled_at = new Date(row.two_step_enabled_at);
          carrying.securityInfo = row;
        }
        return row && sessionActorOf(row);
      },
    };
    return carrying;
  }
}

/** A session lookup that reads the security info in the same statement. */
export interface CarryingLookup {
  lookUp(token: string): Promise<SessionActor | null>;
  /** The security info of the session's user, once the lookup found the session. */
  securityInfo?: SecurityInfoRow;
}

declare module '../../common/context.js' {
  interface CarriedReads {
    /** The security-info page's row, read by the session lookup when the query asks for little else. */
    securityInfo?: SecurityInfoRow;
  }
}
