import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export const AuditAction = {
  APP_PASSWORD_CREATED: 'app_password.created',
  APP_PASSWORD_DELETED: 'app_password.deleted',
  APP_PASSWORD_REVOKED: 'app_password.revoked',
  USER_DISABLED: 'user.disabled',
  USER_ENABLED: 'user.enabled',
  API_TOKEN_CREATED: 'api_token.created',
  API_TOKEN_REVOKED: 'api_token.revoked',
  TENANT_CREATED: 'tenant.created',
  TENANT_POLICY_UPDATED: 'tenant_policy.updated',
  USER_CREATED: 'user.created',
  USER_PASSWORD_CHANGED: 'user.password_changed',
  TWO_STEP_ENABLED: 'two_step.enabled',
  TWO_STEP_REMOVED: 'two_step.removed',
  TWO_STEP_RESET: 'two_step.reset',
  RECOVERY_CODES_REGENERATED: 'two_step.recovery_codes_regenerated',
  RECOVERY_CODE_USED: 'two_step.recovery_code_used',
  USER_SIGN_IN_BLOCKED: 'user.sign_in_blocked',
  APP_PASSWORD_RENAMED: 'app_password.renamed',
  APP_PASSWORD_SERVICES_LIMITED: 'app_password.services_limited',
  APP_PASSWORD_NETWORKS_CHANGED: 'app_password.networks_changed',
  APP_PASSWORD_USED_FROM_NEW_NETWORK: 'app_password.used_from_new_network',
  APP_PASSWORD_ROTATED: 'app_password.rotated',
  APP_PASSWORD_ROTATION_FINISHED: 'app_password.rotation_finished',
  SERVICE_ADDED: 'service.added',
  SERVICE_RENAMED: 'service.renamed',
  SERVICE_REMOVED: 'service.removed',
  USER_DELETED: 'user.deleted',
  USER_ROLE_CHANGED: 'user.role_changed',
  USER_RENAMED: 'user.renamed',
  USER_UPDATED: 'user.updated',
} as const;
export type AuditAction = (typeof AuditAction)[keyof typeof AuditAction];

/** Who did it: a signed-in user, an integrator's API token, an operator at the command line, or the server itself. */
export type AuditActorType = 'user' | 'api_token' | 'operator' | 'system';

/** An append-only record of a change. Never holds a secret. */
@Entity({ name: 'audit_events' })
export class AuditEvent {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id!: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @Column({ name: 'occurred_at', type: 'timestamptz', default: () => 'now()' })
  occurredAt!: Date;

  @Column({ type: 'text' })
  action!: AuditAction;

  @Column({ name: 'actor_type', type: 'text' })
  actorType!: AuditActorType;

  @Column({ name: 'actor_user_id', type: 'uuid', nullable: true })
  actorUserId!: string | null;

  @Column({ name: 'actor_api_token_id', type: 'uuid', nullable: true })
  actorApiTokenId!: string | null;

  @Column({ name: 'target_user_id', type: 'uuid', nullable: true })
  targetUserId!: string | null;

  @Column({ name: 'app_password_id', type: 'uuid', nullable: true })
  appPasswordId!: string | null;

  @Column({ name: 'app_password_name', type: 'text', nullable: true })
  appPasswordName!: string | null;

  @Column({ name: 'client_ip', type: 'inet', nullable: true })
  clientIp!: string | null;

  @Column({ name: 'user_agent', type: 'text', nullable: true })
  userAgent!: string | null;

  @Column({ type: 'jsonb', default: () => "'{}'::jsonb" })
  details!: Record<string, unknown>;
}
