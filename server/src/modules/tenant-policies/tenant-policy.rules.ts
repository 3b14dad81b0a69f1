/** The most app passwords any user may hold, whatever a tenant sets (the reference product's limit). */
export const APP_PASSWORD_HARD_LIMIT = 40;

export interface AppPasswordPolicy {
  appPasswordsEnabled: boolean;
  maxAppPasswordsPerUser: number;
  maxLifetimeDays?: number | null;
}

export function appPasswordLimit(policy: AppPasswordPolicy): number {
  return Math.max(1, Math.min(APP_PASSWORD_HARD_LIMIT, policy.maxAppPasswordsPerUser));
}

/** Whether users may create new app passwords. */
export function allowsAppPasswords(policy: AppPasswordPolicy | null | undefined): boolean {
  return policy?.appPasswordsEnabled === true;
}

export function hasRoomForAppPassword(policy: AppPasswordPolicy, activeCount: number): boolean {
  return activeCount < appPasswordLimit(policy);
}

/** When a new app password stops working, per the tenant's maximum lifetime; null: never. */
export function expiryFor(policy: AppPasswordPolicy, now: Date): Date | null {
  return policy.maxLifetimeDays ? new Date(now.getTime() + policy.maxLifetimeDays * 24 * 3600 * 1000) : null;
}
