import type { TwoStepStatus } from './two-step.types.js';

/** The columns `twoStepStatusColumns` adds to a row. */
export interface TwoStepStatusColumns {
  two_step_enabled_at: Date | null;
  recovery_codes_left: number;
}

/**
 * A user's two-step status as two select-list columns, for a statement that
 * reads it beside other things in one round trip (`user` and `tenant` are
 * parameter placeholders such as `$2`): the security-info page reads it with
 * the app passwords and the policy.
 */
export function twoStepStatusColumns(user: string, tenant: string): string {
  return `(SELECT t.confirmed_at FROM totp_authenticators t
            WHERE t.user_id = ${user} AND t.tenant_id = ${tenant} AND t.confirmed_at IS NOT NULL) AS two_step_enabled_at,
          (SELECT count(*)::int FROM recovery_codes r
            WHERE r.user_id = ${user} AND r.tenant_id = ${tenant} AND r.used_at IS NULL) AS recovery_codes_left`;
}

/** The status from those columns: no recovery codes count while two-step verification is off. */
export function twoStepStatusOf(row: TwoStepStatusColumns): TwoStepStatus {
  const enabledAt = row.two_step_enabled_at;
  return { enabled: enabledAt !== null, enabledAt, recoveryCodesLeft: enabledAt ? row.recovery_codes_left : 0 };
}
