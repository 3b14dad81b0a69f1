import { createHmac, randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { ServerKeys } from '../../common/server-keys.js';
import { ApiScope, type RequestInfo, type TenantReader, type TokenActor, type UserActor } from '../../common/context.js';
import { API_TOKEN_DEFAULT_DAYS, API_TOKEN_NAME_MAX_LENGTH } from '@app-passwords/schema';
import { badInput, notFound } from '../../common/errors.js';
import { isUuid } from '../../common/pagination.js';
import { withTenant } from '../../db/tenant-scope.js';
import { AuditAction } from '../audit/audit-event.entity.js';
import { auditActorOf, recordAudit } from '../audit/audit.service.js';
import { ApiToken } from './api-token.entity.js';

export const API_TOKEN_PREFIX = 'apt_';
const TOKEN_SHAPE = /^apt_[A-Za-z0-9_-]{43}$/;

export class ApiTokenService {
  constructor(
    private readonly db: DataSource,
    private readonly keys: ServerKeys,
  ) {}

  private tag(token: string, key = this.keys.current): Buffer {
    return createHmac('sha256', key).update(token, 'utf8').digest();
  }

  async create(
    actor: UserActor,
    input: { name: string; scopes: ApiScope[]; expiresInDays?: number },
    request: RequestInfo,
  ): Promise<{ apiToken: ApiToken; token: string }> {
    const name = input.name.trim();
    // Length, lifetime and control characters are checked on the input (api-token.inputs.ts, input-validation.ts).
    if (!name) throw badInput(`A name is 1 to ${API_TOKEN_NAME_MAX_LENGTH} characters, without control characters.`, 'name');
    const scopes = [...new Set(input.scopes)];
    // A token an identity provider holds for provisioning must not also read logs or revoke app passwords.
    if (scopes.includes(ApiScope.SCIM) && scopes.length > 1) {
      throw badInput('A SCIM token has the SCIM scope only: create a separate token for anything else.', 'scopes');
    }
    const days = input.expiresInDays ?? API_TOKEN_DEFAULT_DAYS;
    const token = `${API_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
    const apiToken = await withTenant(this.db, actor.tenantId, async (m) => {
      const saved = await m.save(
        m.create(ApiToken, {
          tenantId: actor.tenantId,
          name,
          scopes,
          tokenTag: this.tag(token),
          tokenKeyId: this.keys.currentId,
          createdByUserId: actor.userId,
          expiresAt: new Date(Date.now() + days * 24 * 3600 * 1000),
        }),
      );
      await recordAudit(m, {
        tenantId: actor.tenantId,
        action: AuditAction.API_TOKEN_CREATED,
        actor: auditActorOf(actor),
        request,
        details: { apiTokenId: saved.id, name, scopes: saved.scopes, expiresAt: saved.expiresAt },
      });
      return saved;
    });
    return { apiToken, token };
  }

  list(reader: TenantReader, actor: UserActor): Promise<ApiToken[]> {
    return reader.read(actor.tenantId, (m) =>
      m.getRepository(ApiToken).find({ where: { tenantId: actor.tenantId }, order: { createdAt: 'DESC', id: 'DESC' } }),
    );
  }

  async revoke(actor: UserActor, id: string, request: RequestInfo): Promise<string> {
    if (!isUuid(id)) throw badInput('That is not a valid API token id.', 'id');
    return withTenant(this.db, actor.tenantId, async (m) => {
      const result = await m
        .createQueryBuilder()
        .delete()
        .from(ApiToken)
        .where({ id, tenantId: actor.tenantId })
        .returning(['id', 'name'])
        .execute();
      const revoked = (result.raw as Array<{ id: string; name: string }>)[0];
      if (!revoked) throw notFound('API token');
      await recordAudit(m, {
        tenantId: actor.tenantId,
        action: AuditAction.API_TOKEN_REVOKED,
        actor: auditActorOf(actor),
        request,
        details: { apiTokenId: revoked.id, name: revoked.name },
      });
      return revoked.id;
    });
  }

  /**
   * The actor behind a bearer token, or null when it is unknown, malformed or
   * expired. A token tagged under a previous server key is found too, and
   * tagged again under the current one.
   */
  async authenticate(token: string): Promise<TokenActor | null> {
    if (!TOKEN_SHAPE.test(token)) return null;
    const tags = this.keys.all.map((key) => this.tag(token, key));
    const rows: Array<{ id: string; tenant_id: string; scopes: ApiScope[] }> = await this.db.query(
      // Sees every tenant: the token says which one it is for.
      'SELECT * FROM api_token_for_tags($1::bytea[], $2, $3)',
      [tags, tags[0], this.keys.currentId],
    );
    const row = rows[0];
    return row ? { signedInWith: 'api_token', tenantId: row.tenant_id, apiTokenId: row.id, scopes: row.scopes } : null;
  }
}
