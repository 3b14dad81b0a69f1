/**
 * The events an integrator can subscribe to, and the audit action each is
 * made from: the one table both sides read. The audit trigger that fills the
 * outbox (migration Webhooks) installs the SQL `webhookEventsSql()` makes
 * from it, frozen there; a unit test fails when the two differ, and an
 * integration test runs every row through the real trigger.
 *
 * `details`: the audit details an event carries to the receiver, by name.
 * Anything else in an audit event's details stays out of the payload (the
 * audit trail never holds a secret, and the payload holds less still).
 */
export const WEBHOOK_EVENTS = [
  { event: 'app_password.created', auditAction: 'app_password.created', details: ['services', 'networks'] },
  { event: 'app_password.deleted', auditAction: 'app_password.deleted', details: [] },
  { event: 'app_password.revoked', auditAction: 'app_password.revoked', details: ['reason'] },
  { event: 'app_password.expiring', auditAction: 'app_password.expiring', details: ['expiresAt', 'daysLeft'] },
  { event: 'app_password.used_from_new_network', auditAction: 'app_password.used_from_new_network', details: ['network'] },
  { event: 'app_password.rotated', auditAction: 'app_password.rotated', details: ['overlapEndsAt'] },
  { event: 'tenant_policy.changed', auditAction: 'tenant_policy.updated', details: ['before', 'after', 'revokedAppPasswords'] },
  { event: 'user.disabled', auditAction: 'user.disabled', details: [] },
  { event: 'sign_in.throttled', auditAction: 'user.sign_in_blocked', details: ['method', 'blockedForSeconds'] },
] as const satisfies ReadonlyArray<{ event: string; auditAction: string; details: readonly string[] }>;

export type WebhookEventName = (typeof WEBHOOK_EVENTS)[number]['event'];

export const WEBHOOK_EVENT_NAMES: readonly WebhookEventName[] = WEBHOOK_EVENTS.map((e) => e.event);

/** The event an audit action is delivered as, or null when no integrator can subscribe to it. */
export function webhookEventOf(auditAction: string): WebhookEventName | null {
  return WEBHOOK_EVENTS.find((e) => e.auditAction === auditAction)?.event ?? null;
}

const sqlText = (value: string) => `'${value.replaceAll("'", "''")}'`;

/**
 * The same table as SQL rows `(action, event, detail_keys)`, to join the
 * audit events of a statement against.
 */
export function webhookEventsSql(): string {
  return `(VALUES ${WEBHOOK_EVENTS.map(
    (e) => `(${sqlText(e.auditAction)}, ${sqlText(e.event)}, ARRAY[${e.details.map(sqlText).join(', ')}]::text[])`,
  ).join(', ')})`;
}
