import {
  MAX_APP_PASSWORD_LIFETIME_DAYS,
  MAX_APP_PASSWORDS_PER_USER,
  MAX_REVOKE_UNUSED_AFTER_DAYS,
  MIN_REVOKE_UNUSED_AFTER_DAYS,
} from '@app-passwords/schema';
import { Role } from '../users/user.entity.js';
import { ExistingAppPasswords } from './tenant-policy.entity.js';

export interface AppPasswordPolicy {
  appPasswordsEnabled: boolean;
  maxAppPasswordsPerUser: number;
  maxLifetimeDays?: number | null;
}

export function appPasswordLimit(policy: AppPasswordPolicy): number {
  return Math.max(1, Math.min(MAX_APP_PASSWORDS_PER_USER, policy.maxAppPasswordsPerUser));
}

/** Whether users may create new app passwords. */
export function allowsAppPasswords(policy: AppPasswordPolicy | null | undefined): boolean {
  return policy?.appPasswordsEnabled === true;
}

export interface ExistingAppPasswordsPolicy {
  appPasswordsEnabled: boolean;
  existingWhenDisabled: ExistingAppPasswords.KEEP_WORKING | ExistingAppPasswords.BLOCK;
}

/**
 * Whether the app passwords users already have may still sign apps in: yes
 * while app passwords are on, and while off only when the tenant chose
 * KEEP_WORKING. This is the only way a policy refuses a right app password
 * (POLICY_OFF); the other refusals, and their order, are in
 * app-passwords/app-password-refusal.ts.
 */
export function keepsExistingAppPasswords(policy: ExistingAppPasswordsPolicy): boolean {
  return policy.appPasswordsEnabled || policy.existingWhenDisabled === ExistingAppPasswords.KEEP_WORKING;
}

/** The same rule in SQL over the tenant_policies row `tp`. */
export function keepsExistingAppPasswordsSql(tp: string): string {
  return `(${tp}.app_passwords_enabled OR ${tp}.existing_when_disabled = '${ExistingAppPasswords.KEEP_WORKING}')`;
}

export function hasRoomForAppPassword(policy: AppPasswordPolicy, activeCount: number): boolean {
  return activeCount < appPasswordLimit(policy);
}

const DAY_MS = 24 * 3600 * 1000;

/** When a new app password stops working by default, per the tenant's maximum lifetime; null: never. */
export function expiryFor(policy: AppPasswordPolicy, now: Date): Date | null {
  return policy.maxLifetimeDays ? new Date(now.getTime() + policy.maxLifetimeDays * DAY_MS) : null;
}

/** What the owner chose: in so many days, or at a time; neither: the tenant's default. */
export interface ExpiryChoice {
  expiresInDays?: number | null;
  expiresAt?: Date | null;
}

/**
 * When a new app password stops working, as its owner chose, never beyond
 * the tenant's maximum lifetime (a minute's grace for the clock of the
 * request that asked). At most one of the two; a time in the past, a number
 * of days out of 1–MAX_APP_PASSWORD_LIFETIME_DAYS or beyond the maximum is a
 * problem naming its field.
 */
export function chosenExpiry(
  policy: AppPasswordPolicy,
  choice: ExpiryChoice,
  now: Date,
): { expiresAt: Date | null } | { problem: string; field: string } {
  const days = choice.expiresInDays ?? null;
  const at = choice.expiresAt ?? null;
  if (days !== null && at !== null) return { problem: 'Give expiresInDays or expiresAt, not both.', field: 'expiresAt' };
  const latest = expiryFor(policy, now);
  const beyond = (field: string) => ({
    problem: `Your organisation lets app passwords live at most ${policy.maxLifetimeDays} days.`,
    field,
  });
  if (days !== null) {
    if (!Number.isInteger(days) || days < 1 || days > MAX_APP_PASSWORD_LIFETIME_DAYS) {
      return { problem: `expiresInDays is a whole number of days, 1–${MAX_APP_PASSWORD_LIFETIME_DAYS}.`, field: 'expiresInDays' };
    }
    if (policy.maxLifetimeDays && days > policy.maxLifetimeDays) return beyond('expiresInDays');
    return { expiresAt: new Date(now.getTime() + days * DAY_MS) };
  }
  if (at !== null) {
    if (Number.isNaN(at.getTime()) || at.getTime() <= now.getTime())
      return { problem: 'expiresAt must be in the future.', field: 'expiresAt' };
    if (at.getTime() > now.getTime() + MAX_APP_PASSWORD_LIFETIME_DAYS * DAY_MS) {
      return { problem: `expiresAt is at most ${MAX_APP_PASSWORD_LIFETIME_DAYS} days away.`, field: 'expiresAt' };
    }
    if (latest && at.getTime() > latest.getTime() + 60_000) return beyond('expiresAt');
    return { expiresAt: at };
  }
  return { expiresAt: latest };
}

export interface AdminTwoStepPolicy {
  requireTwoStepForAdmins: boolean;
}

/**
 * Whether the user has a second factor in this session: their authenticator
 * app here, or (for a session opened through the tenant's identity provider)
 * a second factor the provider vouched for in the ID token (`amr`, or an
 * accepted `acr`; see single-sign-on/identity-provider.rules.ts). This is the
 * one place both two-step rules (admins, app passwords) ask.
 */
export function hasSecondFactor(user: { twoStepEnabled: boolean; twoStepAtProvider?: boolean }): boolean {
  return user.twoStepEnabled || user.twoStepAtProvider === true;
}

/**
 * An admin of a tenant that requires two-step verification for admins, who
 * has not set it up (and did not pass a second factor at the identity
 * provider for this session): every admin query and mutation (and the CSV
 * exports) answers TWO_STEP_REQUIRED until they do. Signing in and setting it
 * up stay open. Users are never affected; API tokens neither (an admin who
 * had it minted them).
 */
export function twoStepRequiredForAdmin(
  policy: AdminTwoStepPolicy,
  user: { role: Role; twoStepEnabled: boolean; twoStepAtProvider?: boolean },
): boolean {
  return user.role === Role.TENANT_ADMIN && policy.requireTwoStepForAdmins && !hasSecondFactor(user);
}

/**
 * The same rule in SQL over the users row `u`, for the session lookup
 * (`session_for_token`): admin fields refuse without a query of their own,
 * and CASE looks at the policy and the authenticator app only for admins, so
 * nobody else pays for it. With the sessions row `s`, a second factor at the
 * identity provider (`provider_mfa` among the session's methods) counts too.
 */
export function twoStepRequiredForAdminSql(u: string, s?: string): string {
  const enrolment = `CASE WHEN ${u}.role = '${Role.TENANT_ADMIN}' THEN
        EXISTS (SELECT 1 FROM tenant_policies tp WHERE tp.tenant_id = ${u}.tenant_id AND tp.require_two_step_for_admins)
        AND NOT EXISTS (SELECT 1 FROM totp_authenticators t
                         WHERE t.user_id = ${u}.id AND t.tenant_id = ${u}.tenant_id AND t.confirmed_at IS NOT NULL)
      ELSE false END`;
  return s === undefined
    ? enrolment
    : `(${enrolment}
      AND NOT ('provider_mfa' = ANY(${s}.authentication_methods)))`;
}

export interface PasswordSignInPolicy {
  passwordSignIn: boolean;
}

/**
 * Whether the primary password may open a console session: always while the
 * tenant allows password sign-in; while it is off (single sign-on only), only
 * for the break-glass admins, admins with an authenticator app, who then
 * still need its code.
 */
export function passwordSignInAllowed(policy: PasswordSignInPolicy, user: { role: Role; twoStepEnabled: boolean }): boolean {
  return policy.passwordSignIn || isBreakGlassAdmin(user);
}

/** An admin who can still sign in with password and two-step verification when password sign-in is off. */
export function isBreakGlassAdmin(user: { role: Role; twoStepEnabled: boolean }): boolean {
  return user.role === Role.TENANT_ADMIN && user.twoStepEnabled;
}

/**
 * Why password sign-in cannot be switched off now, or null: the tenant needs
 * single sign-on configured, and at least one active break-glass admin, so
 * nobody is locked out when the provider is away.
 */
export function passwordSignInOffProblem(state: { providerConfigured: boolean; breakGlassAdmins: number }): string | null {
  if (!state.providerConfigured) return 'Set up single sign-on before you switch password sign-in off.';
  if (state.breakGlassAdmins === 0) {
    return 'At least one admin with two-step verification must be able to sign in with a password when single sign-on is off.';
  }
  return null;
}

/** Why a value of revokeUnusedAfterDays is refused, or undefined when it is fine (null: off). */
export function revokeUnusedAfterDaysProblem(days: number | null): string | undefined {
  if (days === null) return undefined;
  if (!Number.isInteger(days) || days < MIN_REVOKE_UNUSED_AFTER_DAYS || days > MAX_REVOKE_UNUSED_AFTER_DAYS) {
    return `revokeUnusedAfterDays is off (null) or a whole number of days, ${MIN_REVOKE_UNUSED_AFTER_DAYS}–${MAX_REVOKE_UNUSED_AFTER_DAYS}.`;
  }
  return undefined;
}
