import { SsoFailure } from '@app-passwords/schema';
import { SignInOutcome } from '../sign-in/sign-in-log.js';

/** Where the provider sends the browser back: register `${PUBLIC_URL}${OIDC_CALLBACK_PATH}` there. */
export const OIDC_CALLBACK_PATH = '/auth/oidc/callback';
export const OIDC_START_PATH = '/auth/oidc/start';

/** `amr` values (RFC 8176) that say the user passed a second factor at the provider. */
export const SECOND_FACTOR_AMR = ['mfa', 'otp', 'hwk', 'swk'] as const;

/**
 * Whether the ID token vouches for a second factor: its `amr` names one
 * (RFC 8176: `mfa`, `otp`, `hwk`, `swk`), or its `acr` is one of the values
 * the tenant's admin accepted (Entra ID and Keycloak say it with `acr`).
 * Then two-step verification counts as done for this session
 * (`hasSecondFactor` in tenant-policies/tenant-policy.rules.ts).
 */
export function secondFactorAtProvider(claims: { amr?: unknown; acr?: unknown }, acceptedAcrValues: readonly string[]): boolean {
  const amr = Array.isArray(claims.amr) ? claims.amr : [];
  if (amr.some((value) => (SECOND_FACTOR_AMR as readonly unknown[]).includes(value))) return true;
  return typeof claims.acr === 'string' && acceptedAcrValues.includes(claims.acr);
}

/**
 * The sign-in name the ID token gives, lower-cased, or null: the claim the
 * tenant chose must be a non-empty string; when it is `email`, the provider
 * must also say the address is verified (`email_verified: true`), or anyone
 * who can type an unverified address at a lax provider would be that user.
 */
export function signInNameFrom(claims: Record<string, unknown>, claim: string): string | null {
  const value = claims[claim];
  if (typeof value !== 'string' || value.trim() === '' || value.length > 320) return null;
  if (claim === 'email' && claims.email_verified !== true) return null;
  return value.trim().toLowerCase();
}

/** The sign-in name the ID token claims, verified or not (for the sign-in log of a refused one); null when it holds none. */
export function claimedSignInName(claims: Record<string, unknown>, claim: string): string | null {
  const value = claims[claim];
  return typeof value === 'string' && value.trim() !== '' ? value.trim().toLowerCase().slice(0, 320) : null;
}

/** The domain of a sign-in name (`adele@contoso.example` → `contoso.example`), or null when it has none. */
export function domainOf(signInName: string): string | null {
  const at = signInName.lastIndexOf('@');
  const domain =
    at > 0
      ? signInName
          .slice(at + 1)
          .trim()
          .toLowerCase()
      : '';
  return domain && !domain.includes('@') ? domain : null;
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Plain HTTP is accepted only for a provider on this machine (development, tests); everything else is HTTPS. */
export function isLoopbackHttp(url: URL): boolean {
  return url.protocol === 'http:' && (LOOPBACK_HOSTS.has(url.hostname) || url.hostname.startsWith('127.'));
}

/** Why `issuer` cannot be an issuer URL, or null. */
export function issuerProblem(issuer: string): string | null {
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    return 'The issuer must be a URL, such as https://login.example.com/realms/staff.';
  }
  if (url.protocol !== 'https:' && !isLoopbackHttp(url)) return 'The issuer must be an https:// URL.';
  if (url.search || url.hash || url.username || url.password) return 'The issuer has no query, fragment or user name.';
  return null;
}

/**
 * What went wrong in a callback, from what openid-client threw: a stable
 * code for the console and the log. Anything not recognised as the token's
 * or the code's fault (no answer, not JSON, a 5xx) counts as the provider
 * being unavailable.
 */
export function failureOf(error: unknown): SsoFailure {
  const e = error as { code?: unknown; error?: unknown; cause?: { cause?: { claim?: unknown }; claim?: unknown } } | null;
  const code = typeof e?.code === 'string' ? e.code : undefined;
  const claim = e?.cause?.cause?.claim ?? e?.cause?.claim;
  if (code === 'OAUTH_RESPONSE_BODY_ERROR') {
    return e?.error === 'invalid_grant' ? SsoFailure.CODE_REJECTED : SsoFailure.PROVIDER_REFUSED;
  }
  if (code === 'OAUTH_AUTHORIZATION_RESPONSE_ERROR') return SsoFailure.PROVIDER_REFUSED;
  if (code === 'OAUTH_JWT_TIMESTAMP_CHECK_FAILED') return claim === 'auth_time' ? SsoFailure.INVALID_TOKEN : SsoFailure.TOKEN_EXPIRED;
  if (code === 'OAUTH_JWT_CLAIM_COMPARISON_FAILED') {
    if (claim === 'nonce') return SsoFailure.NONCE_MISMATCH;
    if (claim === 'aud' || claim === 'azp') return SsoFailure.WRONG_AUDIENCE;
    return SsoFailure.INVALID_TOKEN;
  }
  if (code === 'OAUTH_INVALID_RESPONSE' && String((error as Error).message).includes('"state"')) return SsoFailure.STATE_MISMATCH;
  if (code === 'OAUTH_INVALID_RESPONSE' || code === 'OAUTH_KEY_SELECTION_FAILED' || code === 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED') {
    return SsoFailure.INVALID_TOKEN;
  }
  return SsoFailure.PROVIDER_UNAVAILABLE;
}

/**
 * How a failed round trip appears in the sign-in log (method SINGLE_SIGN_ON),
 * or null for failures that are not an attempt by the person (no provider
 * here, the provider unreachable).
 */
export function signInOutcomeOf(failure: SsoFailure): SignInOutcome | null {
  switch (failure) {
    case SsoFailure.UNKNOWN_USER:
      return SignInOutcome.UNKNOWN_USER;
    case SsoFailure.USER_DISABLED:
      return SignInOutcome.USER_DISABLED;
    case SsoFailure.EMAIL_UNVERIFIED:
      return SignInOutcome.EMAIL_UNVERIFIED;
    case SsoFailure.WRONG_ACCOUNT:
      return SignInOutcome.WRONG_ACCOUNT;
    case SsoFailure.PROVIDER_REFUSED:
      return SignInOutcome.PROVIDER_REFUSED;
    case SsoFailure.STATE_MISMATCH:
    case SsoFailure.CODE_REJECTED:
    case SsoFailure.NONCE_MISMATCH:
    case SsoFailure.TOKEN_EXPIRED:
    case SsoFailure.WRONG_AUDIENCE:
    case SsoFailure.INVALID_TOKEN:
      return SignInOutcome.INVALID_PROVIDER_ANSWER;
    case SsoFailure.PROVIDER_UNAVAILABLE:
    case SsoFailure.NOT_CONFIGURED:
      return null;
  }
}
