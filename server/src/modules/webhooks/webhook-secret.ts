import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';

/** Standard Webhooks' secret form: `whsec_` and base64 of the key; 32 random bytes here. */
export function generateWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

/**
 * The `webhook-signature` header: one `v1,<base64 HMAC-SHA-256>` per secret,
 * separated by spaces (Standard Webhooks), signed with the reference library.
 * During a rotation's overlap there are two: a receiver that still has the
 * old secret and one that has the new one both verify.
 */
export function webhookSignature(secrets: readonly string[], messageId: string, timestamp: Date, body: string): string {
  return secrets.map((secret) => new Webhook(secret).sign(messageId, timestamp, body)).join(' ');
}
