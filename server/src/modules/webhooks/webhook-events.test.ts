import { describe, expect, it } from 'vitest';
import { WEBHOOK_EVENTS_SQL } from '../../db/migrations/1797200000000-Webhooks.js';
import { AuditAction } from '../audit/audit-event.entity.js';
import { WEBHOOK_EVENTS, webhookEventOf, webhookEventsSql } from './webhook-events.js';

describe('which audit action is delivered as which webhook event', () => {
  it('renames two, keeps the others', () => {
    expect(webhookEventOf('tenant_policy.updated')).toBe('tenant_policy.changed');
    expect(webhookEventOf('user.sign_in_blocked')).toBe('sign_in.throttled');
    expect(webhookEventOf('app_password.revoked')).toBe('app_password.revoked');
    expect(webhookEventOf('user.enabled')).toBeNull();
    expect(webhookEventOf('webhook_endpoint.created')).toBeNull();
  });

  it('maps each audit action at most once, to distinct events', () => {
    expect(new Set(WEBHOOK_EVENTS.map((e) => e.auditAction)).size).toBe(WEBHOOK_EVENTS.length);
    expect(new Set(WEBHOOK_EVENTS.map((e) => e.event)).size).toBe(WEBHOOK_EVENTS.length);
  });

  it('names audit actions this server writes, or the ones other branches write (rotation, clean-up)', () => {
    const known = new Set<string>([...Object.values(AuditAction), 'app_password.rotated', 'app_password.expiring']);
    for (const e of WEBHOOK_EVENTS) expect(known).toContain(e.auditAction);
  });

  it('is the table the newest migration installed in the trigger (a change needs a migration of its own)', () => {
    expect(webhookEventsSql()).toBe(WEBHOOK_EVENTS_SQL);
  });
});
