import type { EntityManager } from 'typeorm';
import type { Actor, RequestInfo } from '../../common/context.js';
import { AuditEvent, type AuditAction, type AuditActorType } from './audit-event.entity.js';

export interface AuditRecord {
  tenantId: string;
  action: AuditAction;
  actor: { type: AuditActorType; userId?: string | null; apiTokenId?: string | null };
  targetUserId?: string | null;
  appPassword?: { id: string; name: string } | null;
  request?: RequestInfo | null;
  details?: Record<string, unknown>;
}

/**
 * Writes one audit event with the caller's transaction, so the event exists
 * exactly when the change does. Callers pass names and ids, never secrets.
 */
export async function recordAudit(manager: EntityManager, record: AuditRecord): Promise<void> {
  await manager.insert(AuditEvent, {
    tenantId: record.tenantId,
    action: record.action,
    actorType: record.actor.type,
    actorUserId: record.actor.userId ?? null,
    actorApiTokenId: record.actor.apiTokenId ?? null,
    targetUserId: record.targetUserId ?? null,
    appPasswordId: record.appPassword?.id ?? null,
    appPasswordName: record.appPassword?.name ?? null,
    clientIp: record.request?.clientIp ?? null,
    userAgent: record.request?.userAgent ?? null,
    details: (record.details ?? {}) as AuditEvent['details'] & object,
  });
}

/** A user who changed something of their own (a sign-in method, their password): actor and target at once. */
export function recordOwnChange(
  manager: EntityManager,
  user: { tenantId: string; userId: string },
  action: AuditAction,
  request: RequestInfo,
  more: Pick<AuditRecord, 'appPassword' | 'details'> = {},
): Promise<void> {
  return recordAudit(manager, {
    tenantId: user.tenantId,
    action,
    actor: { type: 'user', userId: user.userId },
    targetUserId: user.userId,
    request,
    ...more,
  });
}

/** An operator working at the command line, as an audit actor. */
export const OPERATOR = { type: 'operator' } as const;

/** How an actor appears in the audit trail. */
export function auditActorOf(actor: Actor): AuditRecord['actor'] {
  return actor.signedInWith === 'api_token' ? { type: 'api_token', apiTokenId: actor.apiTokenId } : { type: 'user', userId: actor.userId };
}
