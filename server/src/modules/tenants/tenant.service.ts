import type { DataSource } from 'typeorm';
import { badInput, isUniqueViolation, notFound } from '../../common/errors.js';
import { AuditAction } from '../audit/audit-event.entity.js';
import { OPERATOR, recordAudit } from '../audit/audit.service.js';
import { TenantPolicy } from '../tenant-policies/tenant-policy.entity.js';
import { Tenant } from './tenant.entity.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export class TenantService {
  constructor(private readonly db: DataSource) {}

  /**
   * Creates a tenant with its policy row; app passwords start switched off and
   * need two-step verification, and admins need it for admin work.
   */
  async create(rawName: string, options: { appPasswordsEnabled?: boolean; requireTwoStepForAppPasswords?: boolean } = {}): Promise<Tenant> {
    const name = rawName.normalize('NFC').trim();
    if (name.length < 1 || name.length > 100 || /\p{Cc}/u.test(name)) {
      throw badInput('A tenant name is 1 to 100 characters, without control characters.', 'name');
    }
    const taken = () => badInput(`A tenant named "${name}" already exists.`, 'name');
    return this.db.transaction(async (m) => {
      const tenant = await m.save(m.create(Tenant, { name })).catch((error: unknown) => {
        throw isUniqueViolation(error, 'tenants_name_lower_key') ? taken() : error;
      });
      await m.insert(TenantPolicy, {
        tenantId: tenant.id,
        appPasswordsEnabled: options.appPasswordsEnabled ?? false,
        requireTwoStepForAppPasswords: options.requireTwoStepForAppPasswords ?? true,
        requireTwoStepForAdmins: true,
      });
      await recordAudit(m, { tenantId: tenant.id, action: AuditAction.TENANT_CREATED, actor: OPERATOR, details: { name } });
      return tenant;
    });
  }

  /** A tenant by id, or by name (case-insensitive), as operators type it. */
  async findByIdOrName(idOrName: string): Promise<Tenant> {
    const query = this.db.getRepository(Tenant).createQueryBuilder('t');
    if (UUID.test(idOrName)) query.where('t.id = :id', { id: idOrName });
    else query.where('lower(t.name) = lower(:name)', { name: idOrName.trim() });
    const tenant = await query.getOne();
    if (!tenant) throw notFound(`Tenant "${idOrName}"`);
    return tenant;
  }
}
