import type { DataSource } from 'typeorm';
import { badInput, notFound } from '../../common/errors.js';
import { AuditAction } from '../audit/audit-event.entity.js';
import { recordAudit, type AuditRecord } from '../audit/audit.service.js';
import { APP_PASSWORD_HARD_LIMIT } from './tenant-policy.rules.js';
import { TenantPolicy } from './tenant-policy.entity.js';

export interface TenantPolicyChanges {
  appPasswordsEnabled?: boolean;
  maxAppPasswordsPerUser?: number;
}

export class TenantPolicyService {
  constructor(private readonly db: DataSource) {}

  async get(tenantId: string): Promise<TenantPolicy> {
    const policy = await this.db.getRepository(TenantPolicy).findOneBy({ tenantId });
    if (!policy) throw notFound('Tenant policy');
    return policy;
  }

  /** Changes the policy and records one audit event with before and after. */
  async update(tenantId: string, changes: TenantPolicyChanges, actor: AuditRecord['actor']): Promise<TenantPolicy> {
    const max = changes.maxAppPasswordsPerUser;
    if (max !== undefined && (!Number.isInteger(max) || max < 1 || max > APP_PASSWORD_HARD_LIMIT)) {
      throw badInput(`The limit per user is a whole number from 1 to ${APP_PASSWORD_HARD_LIMIT}.`, 'maxAppPasswordsPerUser');
    }
    return this.db.transaction(async (m) => {
      const policy = await m.findOne(TenantPolicy, { where: { tenantId }, lock: { mode: 'pessimistic_write' } });
      if (!policy) throw notFound('Tenant policy');
      const before = { appPasswordsEnabled: policy.appPasswordsEnabled, maxAppPasswordsPerUser: policy.maxAppPasswordsPerUser };
      if (changes.appPasswordsEnabled !== undefined) policy.appPasswordsEnabled = changes.appPasswordsEnabled;
      if (max !== undefined) policy.maxAppPasswordsPerUser = max;
      const saved = await m.save(policy);
      const after = { appPasswordsEnabled: saved.appPasswordsEnabled, maxAppPasswordsPerUser: saved.maxAppPasswordsPerUser };
      await recordAudit(m, { tenantId, action: AuditAction.TENANT_POLICY_UPDATED, actor, details: { before, after } });
      return saved;
    });
  }
}
