import * as oidc from 'openid-client';
import { isLoopbackHttp } from './identity-provider.rules.js';

/** How long a request to the provider may take before the provider counts as unavailable. */
const PROVIDER_TIMEOUT_SECONDS = 10;

export interface ProviderClient {
  issuer: string;
  clientId: string;
  clientSecret: string;
}

/**
 * Fetches the provider's discovery document and makes a client of it.
 * openid-client checks that the document names exactly this issuer; ID
 * tokens are then checked against it, the client id and the provider's keys.
 * The secret is sent in the token request body (client_secret_post) or as
 * Basic, whichever the provider lists first. Plain HTTP only on loopback
 * (`isLoopbackHttp`): a development or test provider.
 */
export async function discover(provider: ProviderClient): Promise<oidc.Configuration> {
  const issuer = new URL(provider.issuer);
  const config = await oidc.discovery(issuer, provider.clientId, undefined, undefined, {
    timeout: PROVIDER_TIMEOUT_SECONDS,
    ...(isLoopbackHttp(issuer) ? { execute: [oidc.allowInsecureRequests] } : {}),
  });
  const methods = config.serverMetadata().token_endpoint_auth_methods_supported ?? ['client_secret_basic'];
  const auth = methods.find((m) => m === 'client_secret_basic' || m === 'client_secret_post');
  const clientAuth =
    auth === 'client_secret_post' ? oidc.ClientSecretPost(provider.clientSecret) : oidc.ClientSecretBasic(provider.clientSecret);
  const configured = new oidc.Configuration(config.serverMetadata(), provider.clientId, undefined, clientAuth);
  configured.timeout = PROVIDER_TIMEOUT_SECONDS;
  if (isLoopbackHttp(issuer)) oidc.allowInsecureRequests(configured);
  return configured;
}

/** What the discovery document lacks for the authorization code flow with PKCE, or null. */
export function discoveryProblem(config: oidc.Configuration): string | null {
  const metadata = config.serverMetadata();
  const missing = (['authorization_endpoint', 'token_endpoint', 'jwks_uri'] as const).filter((key) => !metadata[key]);
  if (missing.length > 0) return `The provider's discovery document has no ${missing.join(', ')}.`;
  if (metadata.response_types_supported && !metadata.response_types_supported.includes('code')) {
    return 'The provider does not offer the authorization code flow (response type "code").';
  }
  const pkce = metadata.code_challenge_methods_supported;
  if (pkce && !pkce.includes('S256')) return 'The provider does not offer PKCE with S256.';
  return null;
}

export interface AuthorizationRequest {
  url: URL;
  state: string;
  nonce: string;
  codeVerifier: string;
}

/**
 * Where to send the browser: the authorization code flow with PKCE (S256),
 * a fresh `state` and `nonce`. `fresh` (confirming who you are) asks the
 * provider to authenticate again whatever its own session says.
 */
export async function authorizationRequest(
  config: oidc.Configuration,
  options: { redirectUri: string; loginHint?: string; fresh: boolean },
): Promise<AuthorizationRequest> {
  const codeVerifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: options.redirectUri,
    response_type: 'code',
    scope: 'openid email profile',
    code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: 'S256',
    state,
    nonce,
    ...(options.loginHint ? { login_hint: options.loginHint } : {}),
    ...(options.fresh ? { prompt: 'login', max_age: '0' } : {}),
  });
  return { url, state, nonce, codeVerifier };
}

/**
 * Redeems the code of the callback at `callbackUrl` and checks the ID token
 * (signature, issuer, audience, expiry, nonce; `auth_time` when `fresh`)
 * through openid-client. Returns the ID token's claims.
 */
export async function redeemCode(
  config: oidc.Configuration,
  callbackUrl: URL,
  expected: { state: string; nonce: string; codeVerifier: string; fresh: boolean },
): Promise<Record<string, unknown>> {
  const tokens = await oidc.authorizationCodeGrant(config, callbackUrl, {
    pkceCodeVerifier: expected.codeVerifier,
    expectedState: expected.state,
    expectedNonce: expected.nonce,
    idTokenExpected: true,
    // max_age=0 asked for a new authentication: auth_time must be now (within openid-client's clock tolerance).
    ...(expected.fresh ? { maxAge: 0 } : {}),
  });
  const claims = tokens.claims();
  if (!claims) throw new Error('The provider sent no ID token.');
  return claims as Record<string, unknown>;
}
