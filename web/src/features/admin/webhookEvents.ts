import type { WebhookEvent } from '@app-passwords/schema';

export type WebhookEventName = WebhookEvent;

/** Every event an endpoint can subscribe to, in the order the console lists them (as the API does). */
export const WEBHOOK_EVENTS: WebhookEventName[] = [
  'APP_PASSWORD_CREATED',
  'APP_PASSWORD_DELETED',
  'APP_PASSWORD_REVOKED',
  'APP_PASSWORD_EXPIRING',
  'APP_PASSWORD_USED_FROM_NEW_NETWORK',
  'APP_PASSWORD_ROTATED',
  'TENANT_POLICY_CHANGED',
  'USER_DISABLED',
  'SIGN_IN_THROTTLED',
];
