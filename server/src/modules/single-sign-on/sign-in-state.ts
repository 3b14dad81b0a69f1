import { parseCookie } from 'cookie';
import type { IncomingMessage } from 'node:http';
import type { Response } from 'express';
import { SecretBox } from '../../common/secret-box.js';
import type { ServerKeys } from '../../common/server-keys.js';

/** A round trip to the provider must come back within this time. */
export const SIGN_IN_STATE_TTL_MS = 10 * 60_000;

/**
 * What the browser carries between /auth/oidc/start and the callback: the
 * `state`, `nonce` and PKCE verifier of one authorization request, the tenant
 * it is for, and why (signing in, or confirming who you are in a session).
 * Sealed under a key derived from the server key (AES-GCM), so the browser
 * can neither read the verifier nor change the tenant; HttpOnly, SameSite=Lax
 * (the provider's redirect back is a top-level GET), and used once.
 */
export interface SignInState {
  tenantId: string;
  state: string;
  nonce: string;
  codeVerifier: string;
  /** Set: confirming who you are in this session (prompt=login, max_age=0). */
  reauthenticate?: { sessionId: string; userId: string; email: string };
  /** A path of the console to go to afterwards. */
  next: string;
  expiresAt: number;
}

export class SignInStateCookie {
  private readonly box: SecretBox;

  constructor(
    keys: ServerKeys,
    private readonly secure: boolean,
  ) {
    this.box = new SecretBox(keys.all, 'oidc sign-in state');
  }

  private get name(): string {
    return this.secure ? '__Host-ap_oidc' : 'ap_oidc';
  }

  set(res: Response, state: SignInState): void {
    res.cookie(this.name, this.box.seal(JSON.stringify(state)).toString('base64url'), {
      httpOnly: true,
      sameSite: 'lax',
      secure: this.secure,
      path: '/',
      maxAge: SIGN_IN_STATE_TTL_MS,
    });
  }

  /** The state this browser started with, or undefined when there is none, it was tampered with or it has expired. */
  read(req: IncomingMessage): SignInState | undefined {
    const raw = req.headers.cookie ? parseCookie(req.headers.cookie)[this.name] : undefined;
    if (!raw || raw.length > 4096) return undefined;
    try {
      const state = JSON.parse(this.box.open(Buffer.from(raw, 'base64url'))) as SignInState;
      return state.expiresAt > Date.now() ? state : undefined;
    } catch {
      return undefined;
    }
  }

  clear(res: Response): void {
    res.clearCookie(this.name, { httpOnly: true, sameSite: 'lax', secure: this.secure, path: '/' });
  }
}

/** A console path to return to: only same-origin paths, never `//host` or a scheme. */
export function consolePath(next: unknown, fallback: string): string {
  if (typeof next !== 'string' || next.length > 500 || !/^\/(?![/\\])[\x21-\x7e]*$/.test(next)) return fallback;
  return next;
}
