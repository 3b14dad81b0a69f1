import type { DataSource, EntityManager } from 'typeorm';
import type { RequestInfo, TenantReader } from '../../common/context.js';
import { badInput, notFound } from '../../common/errors.js';
import { withTenant } from '../../db/tenant-scope.js';
import { AuditAction } from '../audit/audit-event.entity.js';
import { recordAudit, type AuditRecord } from '../audit/audit.service.js';
import { addService, isProblem, parseServiceKey, parseServiceName, type ServiceDefinition } from './service-catalog.js';
import type { Service } from './service.type.js';

interface CatalogRow {
  services: ServiceDefinition[];
  allowed_services: string[];
}

function orThrow<T extends object>(parsed: T | { problem: string; field: string }): T {
  if (isProblem(parsed)) throw badInput(parsed.problem, parsed.field);
  return parsed;
}

/** The tenant's services: listed to everyone, changed by its admins (kept in its policy row, locked while changing). */
export class ServiceCatalogService {
  constructor(private readonly db: DataSource) {}

  async list(reader: TenantReader, tenantId: string): Promise<Service[]> {
    const [row]: CatalogRow[] = await reader.read(tenantId, (m) =>
      m.query('SELECT services, allowed_services FROM tenant_policies WHERE tenant_id = $1', [tenantId]),
    );
    if (!row) throw notFound('Tenant policy');
    return servicesOf(row);
  }

  async add(tenantId: string, input: ServiceDefinition, actor: AuditRecord['actor'], request: RequestInfo): Promise<Service> {
    const service = this.parse(input);
    return withTenant(this.db, tenantId, async (m) => {
      const row = await this.lock(m, tenantId);
      const { catalog } = orThrow(addService(row.services, service));
      await m.query('UPDATE tenant_policies SET services = $2, allowed_services = allowed_services || $3::text WHERE tenant_id = $1', [
        tenantId,
        JSON.stringify(catalog),
        service.key,
      ]);
      await recordAudit(m, { tenantId, action: AuditAction.SERVICE_ADDED, actor, request, details: { ...service } });
      return { ...service, allowed: true };
    });
  }

  async rename(tenantId: string, input: ServiceDefinition, actor: AuditRecord['actor'], request: RequestInfo): Promise<Service> {
    const service = this.parse(input);
    return withTenant(this.db, tenantId, async (m) => {
      const row = await this.lock(m, tenantId);
      const before = row.services.find((s) => s.key === service.key);
      if (!before) throw notFound('Service');
      const catalog = row.services.map((s) => (s.key === service.key ? service : s));
      await m.query('UPDATE tenant_policies SET services = $2 WHERE tenant_id = $1', [tenantId, JSON.stringify(catalog)]);
      await recordAudit(m, {
        tenantId,
        action: AuditAction.SERVICE_RENAMED,
        actor,
        request,
        details: {
          key: service.key,
          before: { nameEn: before.nameEn, nameNl: before.nameNl },
          after: { nameEn: service.nameEn, nameNl: service.nameNl },
        },
      });
      return { ...service, allowed: row.allowed_services.includes(service.key) };
    });
  }

  /**
   * Removes a service from the tenant, from its policy and from every app
   * password that had it, in one transaction. The last service the tenant
   * allows cannot go (app passwords would be good for nothing: switch them off instead).
   */
  async remove(
    tenantId: string,
    rawKey: string,
    actor: AuditRecord['actor'],
    request: RequestInfo,
  ): Promise<{ removedKey: string; appPasswordsChanged: number }> {
    const { key } = orThrow(parseServiceKey(rawKey));
    return withTenant(this.db, tenantId, async (m) => {
      const row = await this.lock(m, tenantId);
      if (!row.services.some((s) => s.key === key)) throw notFound('Service');
      if (row.allowed_services.length === 1 && row.allowed_services[0] === key) {
        throw badInput('This is the only service app passwords may be used for; to stop them all, switch app passwords off.', 'key');
      }
      await m.query(
        'UPDATE tenant_policies SET services = $2, allowed_services = array_remove(allowed_services, $3) WHERE tenant_id = $1',
        [tenantId, JSON.stringify(row.services.filter((s) => s.key !== key)), key],
      );
      const changed: unknown[] = await m.query(
        `UPDATE app_passwords SET services = array_remove(services, $2) WHERE tenant_id = $1 AND $2 = ANY(services) RETURNING id`,
        [tenantId, key],
      );
      await m.query('DELETE FROM app_password_service_uses WHERE tenant_id = $1 AND service = $2', [tenantId, key]);
      await recordAudit(m, {
        tenantId,
        action: AuditAction.SERVICE_REMOVED,
        actor,
        request,
        details: { key, appPasswordsChanged: changed.length },
      });
      return { removedKey: key, appPasswordsChanged: changed.length };
    });
  }

  private parse(input: ServiceDefinition): ServiceDefinition {
    return {
      key: orThrow(parseServiceKey(input.key)).key,
      nameEn: orThrow(parseServiceName(input.nameEn, 'nameEn')).name,
      nameNl: orThrow(parseServiceName(input.nameNl, 'nameNl')).name,
    };
  }

  private async lock(m: EntityManager, tenantId: string): Promise<CatalogRow> {
    const [row]: CatalogRow[] = await m.query('SELECT services, allowed_services FROM tenant_policies WHERE tenant_id = $1 FOR UPDATE', [
      tenantId,
    ]);
    if (!row) throw notFound('Tenant policy');
    return row;
  }
}

/** The catalog as GraphQL shows it, in the tenant's order. */
export function servicesOf(row: CatalogRow): Service[] {
  return row.services.map((s) => ({ key: s.key, nameEn: s.nameEn, nameNl: s.nameNl, allowed: row.allowed_services.includes(s.key) }));
}
