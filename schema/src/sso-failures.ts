/**
 * Why a single sign-on round trip ended without a session: the stable code the
 * server puts in the console's address (`/sign-in?sso_error=<code>`, or the
 * page the user came from for `reauthenticate`). The console translates each;
 * the server logs the same code, never a token or an authorization code.
 */
export const SsoFailure = {
  /** The answer does not belong to a sign-in this browser started (wrong or missing `state`, or an old tab). */
  STATE_MISMATCH: 'state_mismatch',
  /** The provider refused the authorization code (used already, expired, or issued to another client). */
  CODE_REJECTED: 'code_rejected',
  /** The ID token was not issued for this sign-in (`nonce`). */
  NONCE_MISMATCH: 'nonce_mismatch',
  /** The ID token has expired, or is not valid yet (the clocks of the provider and this server disagree). */
  TOKEN_EXPIRED: 'token_expired',
  /** The ID token was issued for another application (`aud`/`azp`). */
  WRONG_AUDIENCE: 'wrong_audience',
  /** The ID token failed another check (issuer, signature, `auth_time`). */
  INVALID_TOKEN: 'invalid_token',
  /** The provider did not say the e-mail address is verified (`email_verified`), or gave no sign-in name. */
  EMAIL_UNVERIFIED: 'email_unverified',
  /** Nobody has this sign-in name here, and the organisation creates no users on first sign-in. */
  UNKNOWN_USER: 'unknown_user',
  /** The user has been disabled here. */
  USER_DISABLED: 'user_disabled',
  /** Confirming who you are signed in another account at the provider than the one of this session. */
  WRONG_ACCOUNT: 'wrong_account',
  /** The provider answered with an error (the user cancelled, or the provider refused). */
  PROVIDER_REFUSED: 'provider_refused',
  /** The provider could not be reached, or answered something that is not OpenID Connect. */
  PROVIDER_UNAVAILABLE: 'provider_unavailable',
  /** The organisation has no single sign-on (any more). */
  NOT_CONFIGURED: 'not_configured',
} as const;

export type SsoFailure = (typeof SsoFailure)[keyof typeof SsoFailure];

export const ssoFailures: readonly SsoFailure[] = Object.values(SsoFailure);

export function isSsoFailure(value: unknown): value is SsoFailure {
  return typeof value === 'string' && (ssoFailures as readonly string[]).includes(value);
}
