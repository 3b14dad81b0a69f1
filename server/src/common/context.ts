import type { IncomingMessage } from 'node:http';
import type { Request, Response } from 'express';
import proxyaddr from 'proxy-addr';
import type { EntityManager } from 'typeorm';
import type { Role } from './role.js';
import { canonicalAddress } from './client-address.js';
import type { Logger } from './logger.js';

/** What an API token may be granted; each admin query names the one it needs. */
export enum ApiScope {
  APP_PASSWORDS_READ = 'app_passwords:read',
  APP_PASSWORDS_REVOKE = 'app_passwords:revoke',
  AUDIT_READ = 'audit:read',
  USERS_READ = 'users:read',
  POLICY_READ = 'policy:read',
  /** Provisioning over SCIM 2.0 (`/scim/v2`) and nothing else; a token with it has no other scope. */
  SCIM = 'scim',
}

/**
 * A person: signed in to the console (a session), or an app signing in with
 * one of their app passwords over HTTP Basic, which may never create app
 * passwords or do admin work.
 */
export type UserActor = {
  userId: string;
  tenantId: string;
  role: Role;
} & (
  | {
      signedInWith: 'session';
      sessionId: string;
      /** When the user last proved who they are in this session (sign-in, or entering the password again). */
      authenticatedAt: Date;
      /**
       * An admin whose tenant requires two-step verification for admins, without it:
       * admin fields answer TWO_STEP_REQUIRED. Found with the session, at no extra cost.
       */
      twoStepRequiredForAdmin: boolean;
      /** Opened through the tenant's identity provider (single sign-on): confirming who you are goes through it again. */
      signedInThroughProvider: boolean;
      /** The provider vouched for a second factor (ID token `amr`/`acr`): counts as two-step verification for this session. */
      twoStepAtProvider: boolean;
      /** Who the user is, found with the session: `viewer` needs no query of its own. */
      email: string;
      displayName: string;
      tenantName: string;
      /**
       * Signed in with a one-time password from an admin: until they choose
       * their own (changePassword), every other field answers
       * PASSWORD_CHANGE_REQUIRED. Found with the session, at no extra cost.
       */
      mustChangePassword: boolean;
      /** The language they chose in the console (setMyLanguage: users.language), null until they choose; found with the session. */
      chosenLanguage: 'en' | 'nl' | null;
    }
  | { signedInWith: 'app_password'; appPasswordId: string }
);

/** A person signed in to the console. */
export type SessionActor = UserActor & { signedInWith: 'session' };

/** An integrator's API token: acts for the tenant, within its scopes, never as a user. */
export interface TokenActor {
  signedInWith: 'api_token';
  tenantId: string;
  apiTokenId: string;
  scopes: ApiScope[];
}

/** Who is calling: resolved once per request, read by every service method. */
export type Actor = UserActor | TokenActor;

/** Where a request came from, for audit records. */
export interface RequestInfo {
  clientIp: string | null;
  userAgent: string | null;
}

export interface Context {
  actor: Actor | null;
  request: RequestInfo;
  req: Request;
  res: Response;
  /** This request's logger: its lines carry the request id. */
  log: Logger;
  /** Where this request's resolvers read their tenant's rows: one transaction for a query (RequestTransaction in db/). */
  transaction: RequestReads;
  /** Reads that came back with the session lookup, in the same statement: a resolver that finds its own here skips it. */
  carried?: CarriedReads;
}

/**
 * What a session lookup may read beside the session. Each module adds its
 * own field by declaration merging (security-info/security-info-with-session.ts
 * adds the security-info page's row), so this file needs no module's types.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface CarriedReads {}

/**
 * Where reads of one tenant's rows run: a GraphQL request's one transaction,
 * or a transaction per call (`readEachTime` in db/tenant-scope.ts).
 */
export interface TenantReader {
  read<T>(tenantId: string, work: (m: EntityManager) => Promise<T>): Promise<T>;
}

/** A GraphQL request's reads: shared by a query's resolvers, separate in a mutation's; ended as the response is ready. */
export interface RequestReads extends TenantReader {
  readSeparately(): void;
  end(outcome: 'commit' | 'rollback'): Promise<void>;
}

const MAX_USER_AGENT_LENGTH = 512;

/**
 * Reads where a request came from. The client IP comes from X-Forwarded-For
 * only when the direct peer (and each proxy before it) is trusted; a trusted
 * proxy that forwards something that is not an address (a client's junk
 * passed along) leaves the peer's own address, never a shared "unknown".
 */
export function createRequestInfo(trustedProxies: string[]): (req: IncomingMessage) => RequestInfo {
  const trust = trustedProxies.length > 0 ? proxyaddr.compile(trustedProxies) : undefined;
  return (req) => {
    const agent = req.headers['user-agent'];
    const peer = canonicalAddress(req.socket.remoteAddress);
    let ip = peer;
    if (trust) {
      try {
        ip = canonicalAddress(proxyaddr(req, trust)) ?? peer;
      } catch {
        // a malformed X-Forwarded-For: the direct peer it is
      }
    }
    return { clientIp: ip, userAgent: cleanUserAgent(agent) };
  };
}

/** What nearly every agent sends: printable ASCII, not too long. Kept as it is, at no cost on the hot path. */
const PLAIN_USER_AGENT = new RegExp(`^[\\x20-\\x7e]{1,${MAX_USER_AGENT_LENGTH}}$`);

/**
 * The User-Agent as it is stored (sessions, audit trail, sign-in log) and
 * exported, never raw: Node hands header bytes over as latin1, so the bytes
 * are read as UTF-8 (what agents send; bytes that are not UTF-8 become U+FFFD);
 * control characters (tab, and C1 bytes such as 0x85) become U+FFFD; and it is
 * cut to 512 characters without splitting a character. Node itself refuses the
 * other control bytes (NUL, escape …) with 400 before a request gets here.
 */
export function cleanUserAgent(header: string | undefined): string | null {
  if (!header) return null;
  if (PLAIN_USER_AGENT.test(header)) return header;
  const text = Buffer.from(header.slice(0, 4 * MAX_USER_AGENT_LENGTH), 'latin1')
    .toString('utf8')
    .replace(/\p{Cc}/gu, '\uFFFD');
  const cut = text.slice(0, MAX_USER_AGENT_LENGTH);
  return /[\uD800-\uDBFF]$/.test(cut) ? cut.slice(0, -1) : cut;
}
