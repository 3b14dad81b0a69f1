import { SsoFailure } from '@app-passwords/schema';
import { describe, expect, it } from 'vitest';
import { ssoFailures } from '@app-passwords/schema';
import { domainOf, failureOf, issuerProblem, secondFactorAtProvider, signInNameFrom, signInOutcomeOf } from './identity-provider.rules.js';

describe('a second factor at the provider', () => {
  it('is an amr naming mfa, otp, hwk or swk, or an acr the admin accepted', () => {
    for (const amr of ['mfa', 'otp', 'hwk', 'swk']) expect(secondFactorAtProvider({ amr: ['pwd', amr] }, [])).toBe(true);
    expect(secondFactorAtProvider({ amr: ['pwd'] }, [])).toBe(false);
    expect(secondFactorAtProvider({ amr: 'mfa' }, [])).toBe(false); // amr is a list, never a string
    expect(secondFactorAtProvider({ acr: 'gold' }, ['gold'])).toBe(true);
    expect(secondFactorAtProvider({ acr: 'gold' }, ['silver'])).toBe(false);
    expect(secondFactorAtProvider({}, ['gold'])).toBe(false);
  });
});

describe('the sign-in name from the ID token', () => {
  it('takes email only when the provider verified it', () => {
    expect(signInNameFrom({ email: 'Adele@Contoso.example', email_verified: true }, 'email')).toBe('adele@contoso.example');
    expect(signInNameFrom({ email: 'adele@contoso.example', email_verified: false }, 'email')).toBeNull();
    expect(signInNameFrom({ email: 'adele@contoso.example', email_verified: 'true' }, 'email')).toBeNull();
    expect(signInNameFrom({ email: 'adele@contoso.example' }, 'email')).toBeNull();
  });

  it('takes another claim as it is, if it is a non-empty string', () => {
    expect(signInNameFrom({ upn: 'adele@contoso.example' }, 'upn')).toBe('adele@contoso.example');
    expect(signInNameFrom({ upn: ' ' }, 'upn')).toBeNull();
    expect(signInNameFrom({ upn: 42 }, 'upn')).toBeNull();
  });
});

describe('rules for the provider’s address', () => {
  it('finds the domain of a sign-in name', () => {
    expect(domainOf('adele@Contoso.example')).toBe('contoso.example');
    expect(domainOf('adele')).toBeNull();
    expect(domainOf('@contoso.example')).toBeNull();
  });

  it('wants https, except on loopback', () => {
    expect(issuerProblem('https://login.example.com/realms/staff')).toBeNull();
    expect(issuerProblem('http://127.0.0.1:4444')).toBeNull();
    expect(issuerProblem('http://login.example.com')).toMatch(/https/);
    expect(issuerProblem('login.example.com')).toMatch(/URL/);
    expect(issuerProblem('https://login.example.com/?tenant=1')).toMatch(/query/);
  });
});

describe('what a failed callback is called', () => {
  const claim = (code: string, name: string) => Object.assign(new Error('x'), { code, cause: { cause: { claim: name } } });
  it('names each check that openid-client reports', () => {
    expect(failureOf(claim('OAUTH_JWT_CLAIM_COMPARISON_FAILED', 'nonce'))).toBe(SsoFailure.NONCE_MISMATCH);
    expect(failureOf(claim('OAUTH_JWT_CLAIM_COMPARISON_FAILED', 'aud'))).toBe(SsoFailure.WRONG_AUDIENCE);
    expect(failureOf(claim('OAUTH_JWT_CLAIM_COMPARISON_FAILED', 'iss'))).toBe(SsoFailure.INVALID_TOKEN);
    expect(failureOf(claim('OAUTH_JWT_TIMESTAMP_CHECK_FAILED', 'exp'))).toBe(SsoFailure.TOKEN_EXPIRED);
    expect(failureOf(Object.assign(new Error('x'), { code: 'OAUTH_RESPONSE_BODY_ERROR', error: 'invalid_grant' }))).toBe(
      SsoFailure.CODE_REJECTED,
    );
    expect(failureOf(new TypeError('fetch failed'))).toBe(SsoFailure.PROVIDER_UNAVAILABLE);
  });
});

describe('a failed round trip in the sign-in log', () => {
  it('keeps what the person did, and leaves out what was not their attempt', () => {
    const outcomes = Object.fromEntries(ssoFailures.map((f) => [f, signInOutcomeOf(f)]));
    expect(outcomes).toEqual({
      state_mismatch: 'INVALID_PROVIDER_ANSWER',
      code_rejected: 'INVALID_PROVIDER_ANSWER',
      nonce_mismatch: 'INVALID_PROVIDER_ANSWER',
      token_expired: 'INVALID_PROVIDER_ANSWER',
      wrong_audience: 'INVALID_PROVIDER_ANSWER',
      invalid_token: 'INVALID_PROVIDER_ANSWER',
      email_unverified: 'EMAIL_UNVERIFIED',
      unknown_user: 'UNKNOWN_USER',
      user_disabled: 'USER_DISABLED',
      wrong_account: 'WRONG_ACCOUNT',
      provider_refused: 'PROVIDER_REFUSED',
      provider_unavailable: null,
      not_configured: null,
    });
  });
});
