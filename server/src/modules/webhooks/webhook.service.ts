import { lookup } from 'node:dns/promises';
import type { DataSource, EntityManager } from 'typeorm';
import { WEBHOOK_DESCRIPTION_MAX_LENGTH, WEBHOOK_ENDPOINTS_MAX } from '@app-passwords/schema';
import type { RequestInfo, TenantReader, UserActor } from '../../common/context.js';
import { badInput, notFound } from '../../common/errors.js';
import { isUuid } from '../../common/pagination.js';
import { SecretBox } from '../../common/secret-box.js';
import type { ServerKeys } from '../../common/server-keys.js';
import { withTenant } from '../../db/tenant-scope.js';
import { AuditAction } from '../audit/audit-event.entity.js';
import { auditActorOf, recordAudit } from '../audit/audit.service.js';
import { WebhookEndpoint } from './webhook-endpoint.entity.js';
import { WEBHOOK_EVENT_NAMES, type WebhookEventName } from './webhook-events.js';
import { generateWebhookSecret } from './webhook-secret.js';
import { checkResolvedAddresses, checkWebhookUrl } from './webhook-url.rules.js';
import { WebhookDeliveryStatus, type WebhookDelivery } from './webhook.types.js';

/** After a rotation the previous secret signs beside the new one for this long, so receivers can switch without losing a delivery. */
export const PREVIOUS_SECRET_OVERLAP_MS = 24 * 3_600_000;

/** How long the console keeps deliveries that were delivered or failed. */
export const DELIVERY_RETENTION_DAYS = 30;

/** The purpose the signing secrets are sealed under (a key derived from the server key for this alone). */
export const WEBHOOK_SECRET_PURPOSE = 'webhook signing secret';

/** The addresses a host name resolves to (a literal address resolves to itself). */
export type ResolveHost = (hostname: string) => Promise<string[]>;

export const resolveHost: ResolveHost = async (hostname) => {
  try {
    return (await lookup(hostname.replace(/^\[(.*)\]$/, '$1'), { all: true, verbatim: true })).map((a) => a.address);
  } catch {
    return [];
  }
};

const DELIVERY_COLUMNS = `d.id::text AS id, 'msg_' || replace(d.message_id::text, '-', '') AS "messageId", d.event_type AS event,
  d.created_at AS "createdAt", d.status, d.attempts, d.last_attempt_at AS "lastAttemptAt", d.last_status_code AS "responseStatus",
  d.last_duration_ms AS "durationMs", d.last_error AS error,
  CASE WHEN d.status = 'PENDING' THEN d.next_attempt_at END AS "nextAttemptAt"`;

/**
 * A tenant admin's webhook endpoints: adding, changing, removing them,
 * rotating their secrets, and the deliveries to each. Every change is
 * audited with it; the secret appears only in the answer that made it.
 */
export class WebhookService {
  private readonly secrets: SecretBox;

  constructor(
    private readonly db: DataSource,
    keys: ServerKeys,
    private readonly allowLocal: boolean,
    private readonly resolve: ResolveHost = resolveHost,
  ) {
    this.secrets = new SecretBox(keys.all, WEBHOOK_SECRET_PURPOSE);
  }

  /** A URL an endpoint may have (the name resolved and judged), or BAD_USER_INPUT naming `url`. */
  async checkUrl(raw: string): Promise<string> {
    const checked = checkWebhookUrl(raw, this.allowLocal);
    if ('problem' in checked) throw badInput(checked.problem, 'url');
    const refused = checkResolvedAddresses(this.allowLocal ? ['-'] : await this.resolve(checked.url.hostname), this.allowLocal);
    if (refused) throw badInput(refused, 'url');
    return checked.url.href;
  }

  list(reader: TenantReader, actor: UserActor): Promise<WebhookEndpoint[]> {
    return reader.read(actor.tenantId, (m) =>
      m.getRepository(WebhookEndpoint).find({ where: { tenantId: actor.tenantId }, order: { createdAt: 'ASC', id: 'ASC' } }),
    );
  }

  async create(
    actor: UserActor,
    input: { url: string; description?: string | null; events: WebhookEventName[] },
    request: RequestInfo,
  ): Promise<{ webhookEndpoint: WebhookEndpoint; secret: string }> {
    const url = await this.checkUrl(input.url);
    const description = checkDescription(input.description ?? '');
    const events = checkEvents(input.events);
    const secret = generateWebhookSecret();
    const webhookEndpoint = await withTenant(this.db, actor.tenantId, async (m) => {
      // One at a time per tenant: two admins adding at once cannot pass the limit together.
      await m.query(`SELECT pg_advisory_xact_lock(hashtextextended('webhook_endpoints ' || $1, 0))`, [actor.tenantId]);
      const count = await m.getRepository(WebhookEndpoint).countBy({ tenantId: actor.tenantId });
      if (count >= WEBHOOK_ENDPOINTS_MAX) throw badInput(`A tenant has at most ${WEBHOOK_ENDPOINTS_MAX} webhook endpoints.`, 'url');
      const saved = await m.save(
        m.create(WebhookEndpoint, {
          tenantId: actor.tenantId,
          url,
          description,
          events,
          enabled: true,
          secretSealed: this.secrets.seal(secret),
        }),
      );
      await this.audit(m, actor, AuditAction.WEBHOOK_ENDPOINT_CREATED, request, { endpointId: saved.id, url, events });
      return saved;
    });
    return { webhookEndpoint, secret };
  }

  async update(
    actor: UserActor,
    input: { id: string; url?: string | null; description?: string | null; events?: WebhookEventName[] | null; enabled?: boolean | null },
    request: RequestInfo,
  ): Promise<WebhookEndpoint> {
    if (!isUuid(input.id)) throw notFound('Webhook endpoint');
    const url = input.url == null ? undefined : await this.checkUrl(input.url);
    const description = input.description == null ? undefined : checkDescription(input.description);
    const events = input.events == null ? undefined : checkEvents(input.events);
    return withTenant(this.db, actor.tenantId, async (m) => {
      const endpoint = await this.find(m, actor, input.id, true);
      const before = { url: endpoint.url, description: endpoint.description, events: endpoint.events, enabled: endpoint.enabled };
      if (url !== undefined) endpoint.url = url;
      if (description !== undefined) endpoint.description = description;
      if (events !== undefined) endpoint.events = events;
      if (input.enabled != null) endpoint.enabled = input.enabled;
      const saved = await m.save(endpoint);
      const after = { url: saved.url, description: saved.description, events: saved.events, enabled: saved.enabled };
      await this.audit(m, actor, AuditAction.WEBHOOK_ENDPOINT_UPDATED, request, { endpointId: saved.id, before, after });
      return saved;
    });
  }

  async delete(actor: UserActor, id: string, request: RequestInfo): Promise<string> {
    if (!isUuid(id)) throw notFound('Webhook endpoint');
    return withTenant(this.db, actor.tenantId, async (m) => {
      const endpoint = await this.find(m, actor, id, true);
      await m.delete(WebhookEndpoint, { id, tenantId: actor.tenantId });
      await this.audit(m, actor, AuditAction.WEBHOOK_ENDPOINT_DELETED, request, { endpointId: id, url: endpoint.url });
      return id;
    });
  }

  /**
   * A new signing secret, shown once. The previous one keeps signing beside
   * it for 24 hours (two signatures in `webhook-signature`), so a receiver
   * that switches to the new secret any time in that day loses nothing.
   * Rotating again within the day drops the oldest at once.
   */
  async rotateSecret(actor: UserActor, id: string, request: RequestInfo): Promise<{ webhookEndpoint: WebhookEndpoint; secret: string }> {
    if (!isUuid(id)) throw notFound('Webhook endpoint');
    const secret = generateWebhookSecret();
    const webhookEndpoint = await withTenant(this.db, actor.tenantId, async (m) => {
      const rows: Array<{ secret_sealed: Buffer }> = await m.query(
        'SELECT secret_sealed FROM webhook_endpoints WHERE id = $1 AND tenant_id = $2 FOR UPDATE',
        [id, actor.tenantId],
      );
      if (!rows[0]) throw notFound('Webhook endpoint');
      const now = new Date();
      const previousSecretUntil = new Date(now.getTime() + PREVIOUS_SECRET_OVERLAP_MS);
      await m.update(
        WebhookEndpoint,
        { id, tenantId: actor.tenantId },
        {
          secretSealed: this.secrets.seal(secret),
          previousSecretSealed: rows[0].secret_sealed,
          previousSecretUntil,
          secretRotatedAt: now,
        },
      );
      await this.audit(m, actor, AuditAction.WEBHOOK_SECRET_ROTATED, request, { endpointId: id, previousSecretUntil });
      return this.find(m, actor, id, false);
    });
    return { webhookEndpoint, secret };
  }

  /** The endpoint's deliveries, newest first; another tenant's endpoint is not found. */
  deliveries(reader: TenantReader, actor: UserActor, endpointId: string, first: number): Promise<WebhookDelivery[]> {
    if (!isUuid(endpointId)) return Promise.reject(notFound('Webhook endpoint'));
    return reader.read(actor.tenantId, async (m) => {
      await this.find(m, actor, endpointId, false);
      return m.query(
        `SELECT ${DELIVERY_COLUMNS} FROM webhook_deliveries d WHERE d.endpoint_id = $1 AND d.tenant_id = $2 ORDER BY d.id DESC LIMIT $3`,
        [endpointId, actor.tenantId, first],
      );
    });
  }

  /**
   * Sends a delivery again, with the same webhook-id (receivers that have it
   * already can tell): due now, and retried for another 24 hours. Later
   * deliveries of the same app password to the endpoint that have not gone
   * yet wait for it, as they would have the first time. One in flight
   * right now keeps its lease: it is not posted twice at once.
   */
  async resend(actor: UserActor, id: string, request: RequestInfo): Promise<WebhookDelivery> {
    if (!/^\d{1,18}$/.test(id)) throw notFound('Webhook delivery');
    return withTenant(this.db, actor.tenantId, async (m) => {
      const rows: Array<{ endpoint_id: string; event_type: string }> = await m.query(
        `WITH again AS (
           UPDATE webhook_deliveries SET status = '${WebhookDeliveryStatus.PENDING}', next_attempt_at = now(), retry_from = now()
            WHERE id = $1 AND tenant_id = $2
           RETURNING endpoint_id, event_type)
         SELECT * FROM again`,
        [id, actor.tenantId],
      );
      if (!rows[0]) throw notFound('Webhook delivery');
      await this.audit(m, actor, AuditAction.WEBHOOK_DELIVERY_RESENT, request, {
        endpointId: rows[0].endpoint_id,
        deliveryId: id,
        eventType: rows[0].event_type,
      });
      const [delivery] = (await m.query(`SELECT ${DELIVERY_COLUMNS} FROM webhook_deliveries d WHERE d.id = $1`, [id])) as WebhookDelivery[];
      return delivery!;
    });
  }

  /** Deletes deliveries that were delivered or failed more than `days` ago, in every tenant; returns how many. */
  async applyRetention(days = DELIVERY_RETENTION_DAYS): Promise<number> {
    const [row]: [{ removed: number }] = await this.db.query('SELECT apply_webhook_delivery_retention($1) AS removed', [days]);
    return row.removed;
  }

  private async find(m: EntityManager, actor: UserActor, id: string, lock: boolean): Promise<WebhookEndpoint> {
    const endpoint = await m.getRepository(WebhookEndpoint).findOne({
      where: { id, tenantId: actor.tenantId },
      ...(lock ? { lock: { mode: 'pessimistic_write' as const } } : {}),
    });
    if (!endpoint) throw notFound('Webhook endpoint');
    return endpoint;
  }

  private audit(m: EntityManager, actor: UserActor, action: AuditAction, request: RequestInfo, details: Record<string, unknown>) {
    return recordAudit(m, { tenantId: actor.tenantId, action, actor: auditActorOf(actor), request, details });
  }
}

function checkDescription(raw: string): string {
  const description = raw.trim();
  if (description.length > WEBHOOK_DESCRIPTION_MAX_LENGTH) {
    throw badInput(`A description is at most ${WEBHOOK_DESCRIPTION_MAX_LENGTH} characters.`, 'description');
  }
  return description;
}

function checkEvents(events: readonly string[]): WebhookEventName[] {
  const chosen = WEBHOOK_EVENT_NAMES.filter((e) => events.includes(e));
  if (chosen.length === 0 || chosen.length !== new Set(events).size) throw badInput('Choose at least one event.', 'events');
  return chosen;
}
