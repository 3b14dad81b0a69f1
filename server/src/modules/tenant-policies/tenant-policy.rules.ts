/** The most app passwords any user may hold, whatever a tenant sets (the reference product's limit). */
export const APP_PASSWORD_HARD_LIMIT = 40;

export interface AppPasswordPolicy {
  appPasswordsEnabled: boolean;
  maxAppPasswordsPerUser: number;
}

export function appPasswordLimit(policy: AppPasswordPolicy): number {
  return Math.max(1, Math.min(APP_PASSWORD_HARD_LIMIT, policy.maxAppPasswordsPerUser));
}

export function allowsAppPasswords(policy: AppPasswordPolicy | null | undefined): boolean {
  return policy?.appPasswordsEnabled === true;
}

export function hasRoomForAppPassword(policy: AppPasswordPolicy, activeCount: number): boolean {
  return activeCount < appPasswordLimit(policy);
}
