import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, type EntityManager } from 'typeorm';
import { Field, ID, ObjectType } from 'type-graphql';
import { APP_PASSWORD_NAME_MAX_LENGTH, MAX_APP_PASSWORD_NETWORKS } from '@app-passwords/schema';
import { suggestedServices, USAGE_WINDOW_DAYS } from '../services/service-catalog.js';

/**
 * A password for one app or device that cannot do two-step verification.
 * The secret itself is never stored: only its argon2id hash and a keyed lookup
 * tag, neither of which has a GraphQL field.
 */
@Entity({ name: 'app_passwords' })
// simpleResolvers: its fields are plain properties, read by graphql-js itself; type-graphql's wrapper per field (no
// middleware or auth to run) cost a noticeable share of a 40-row list.
@ObjectType({ description: 'A password for one app or device that cannot do two-step verification.', simpleResolvers: true })
export class AppPassword {
  @PrimaryGeneratedColumn('uuid')
  @Field(() => ID, { description: 'Identifies the app password, e.g. for deleteAppPassword or revokeAppPasswords.' })
  id!: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId!: string;

  @Column({ type: 'text' })
  @Field(() => String, {
    description: `The app or device it is for, as its owner named it (1–${APP_PASSWORD_NAME_MAX_LENGTH} characters).`,
  })
  name!: string;

  /** argon2id hash of the normalised secret. */
  @Column({ name: 'secret_hash', type: 'text', select: false })
  secretHash!: string;

  /** HMAC-SHA-256 of the normalised secret under the server's lookup key. */
  @Column({ name: 'lookup_tag', type: 'bytea', select: false })
  lookupTag!: Buffer;

  /** Which server key made the tag (its public id). */
  @Column({ name: 'lookup_key_id', type: 'text', nullable: true, select: false })
  lookupKeyId!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  @Field(() => Date, { description: 'When it was created.' })
  createdAt!: Date;

  @Column({ name: 'expires_at', type: 'timestamptz', nullable: true })
  @Field(() => Date, { nullable: true, description: 'When it stops working; empty when it never expires.' })
  expiresAt!: Date | null;

  @Column({ name: 'last_used_at', type: 'timestamptz', nullable: true })
  @Field(() => Date, {
    nullable: true,
    description: 'When an app last signed in with it (updated at most once a minute); empty when never used.',
  })
  lastUsedAt!: Date | null;

  @Column({ name: 'last_used_ip', type: 'inet', nullable: true })
  @Field(() => String, { nullable: true, description: 'The client IP address of that last sign-in.' })
  lastUsedIp!: string | null;

  /** Not a TypeORM column: when the previous secret of a rotation stops working at the latest (see rotateAppPassword). */
  @Field(() => Date, {
    nullable: true,
    description:
      'Being rotated: its previous secret still works until this time, or until an app first signs in with the new one, ' +
      'whichever comes first (see rotateAppPassword). Null when it is not being rotated.',
  })
  rotatingUntil!: Date | null;

  // Not TypeORM columns: read and written in plain SQL (appPasswordScopeColumns), since what it may be used for depends on the
  // tenant's policy too.
  @Field(() => [String], {
    description:
      'The services (keys, as in Query.services) it may be used for: those chosen at creation or narrowed since that the ' +
      'tenant still allows. A check for any other service is refused (SERVICE_NOT_ALLOWED).',
  })
  services!: string[];

  @Field(() => [String], {
    description: `The networks (CIDR) it may be used from, at most ${MAX_APP_PASSWORD_NETWORKS}; empty: anywhere. Outside them: NETWORK_NOT_ALLOWED.`,
  })
  networks!: string[];

  @Field(() => [String], { description: `The services it was used for in the last ${USAGE_WINDOW_DAYS} days.` })
  usedServices!: string[];

  @Field(() => [String], {
    nullable: true,
    description:
      `It was used for fewer services than it allows for ${USAGE_WINDOW_DAYS} days: the services to limit it to ` +
      '(limitAppPasswordServices). Null when there is nothing to suggest.',
  })
  suggestedServices!: string[] | null;
}

/**
 * What an app password may be used for, as columns over `ap` (app_passwords)
 * and `tp` (its tenant's policy): its services that the tenant allows (NULL
 * in the table: every one the tenant allows; the check functions of
 * migration Services apply the same rule), its networks as text, and the
 * services it was used for lately.
 */
export function appPasswordScopeColumns(ap = 'ap', tp = 'tp'): string {
  return `${allowedOf(`coalesce(${ap}.services, ${tp}.allowed_services)`, tp)} AS services,
          ${ap}.networks::text[] AS networks,
          ${usedServicesOf(ap)} AS used_services`;
}

/** When the previous secret of `ap`'s rotation stops working: a rotation's overlap counts only while it lasts (the sweep may not have run yet). */
const rotatingUntilOf = (ap: string) => `CASE WHEN ${ap}.previous_valid_until > now() THEN ${ap}.previous_valid_until END`;

/** The services of `list` (a text[] expression) that the tenant (`tp`) allows, in the list's order. */
const allowedOf = (list: string, tp: string) => `ARRAY(SELECT s FROM unnest(${list}) s WHERE s = ANY(${tp}.allowed_services))`;

/** The services the app password `ap` was used for in the usage window, by key. */
const usedServicesOf = (ap: string) => `ARRAY(SELECT su.service FROM app_password_service_uses su
                 WHERE su.app_password_id = ${ap}.id AND su.last_used_at > now() - interval '${USAGE_WINDOW_DAYS} days'
                 ORDER BY su.service)`;

/** An app password's columns as plain SQL reads them (the lists skip TypeORM's hydration, which costs more than the read). */
export interface AppPasswordRow {
  id: string;
  tenant_id: string;
  user_id: string;
  name: string;
  created_at: Date;
  expires_at: Date | null;
  last_used_at: Date | null;
  last_used_ip: string | null;
  rotating_until: Date | null;
  services: string[];
  networks: string[];
  used_services: string[];
}

/**
 * An app password as one JSON array, for a list read as one JSON value (the
 * security-info page's 40): positional, so no row repeats the keys, and
 * without the tenant and owner the list's reader knows already. Its services
 * are null when they are exactly the tenant's allowed services (as creating
 * one keeps them unless narrowed): `appPasswordFromTuple` fills those in from
 * the policy. Otherwise the same columns as APP_PASSWORD_COLUMNS and
 * appPasswordScopeColumns, which the test of the page compares it with.
 */
export function appPasswordTupleSql(ap = 'ap', tp = 'tp'): string {
  return `json_build_array(${ap}.id, ${ap}.name, ${ap}.created_at, ${ap}.expires_at, ${ap}.last_used_at, host(${ap}.last_used_ip),
            ${rotatingUntilOf(ap)},
            CASE WHEN ${ap}.services IS NULL OR ${ap}.services = ${tp}.allowed_services THEN NULL ELSE ${allowedOf(`${ap}.services`, tp)} END,
            ${ap}.networks::text[], ${usedServicesOf(ap)})`;
}

/** The array `appPasswordTupleSql` writes: timestamps as ISO 8601 text; services null for the tenant's allowed ones. */
export type AppPasswordTuple = [
  id: string,
  name: string,
  createdAt: string,
  expiresAt: string | null,
  lastUsedAt: string | null,
  lastUsedIp: string | null,
  rotatingUntil: string | null,
  services: string[] | null,
  networks: string[],
  usedServices: string[],
];

/** Whose app passwords a list of tuples holds, and what the tenant allows them. */
export interface TupleOwner {
  tenantId: string;
  userId: string;
  allowedServices: string[];
}

/**
 * The app password a tuple stands for. Its timestamps become Dates, to the
 * millisecond as node-postgres would make them (JavaScript drops the
 * microseconds alike).
 */
export function appPasswordFromTuple(tuple: AppPasswordTuple, owner: TupleOwner, now: Date): AppPassword {
  const [id, name, createdAt, expiresAt, lastUsedAt, lastUsedIp, rotatingUntil, services, networks, usedServices] = tuple;
  return appPasswordFromRow(
    {
      id,
      tenant_id: owner.tenantId,
      user_id: owner.userId,
      name,
      created_at: new Date(createdAt),
      expires_at: expiresAt === null ? null : new Date(expiresAt),
      last_used_at: lastUsedAt === null ? null : new Date(lastUsedAt),
      last_used_ip: lastUsedIp,
      rotating_until: rotatingUntil === null ? null : new Date(rotatingUntil),
      services: services ?? owner.allowedServices,
      networks,
      used_services: usedServices,
    },
    now,
  );
}

/** The app password those columns describe. */
export function appPasswordFromRow(row: AppPasswordRow, now = new Date()): AppPassword {
  const scope = { createdAt: row.created_at, services: row.services, usedServices: row.used_services };
  return Object.assign(new AppPassword(), {
    id: row.id,
    tenantId: row.tenant_id,
    userId: row.user_id,
    name: row.name,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    lastUsedAt: row.last_used_at,
    lastUsedIp: row.last_used_ip,
    rotatingUntil: row.rotating_until,
    services: row.services,
    networks: row.networks,
    usedServices: row.used_services,
    suggestedServices: suggestedServices(scope, now),
  });
}

/** An app password's own columns, over `ap`. */
export const APP_PASSWORD_COLUMNS =
  'ap.id, ap.tenant_id, ap.user_id, ap.name, ap.created_at, ap.expires_at, ap.last_used_at, host(ap.last_used_ip) AS last_used_ip, ' +
  `${rotatingUntilOf('ap')} AS rotating_until`;

/** App passwords of one tenant matching `where` (over `ap`), oldest first, with what they may be used for. */
export async function readAppPasswords(m: EntityManager, tenantId: string, where: string, values: unknown[]): Promise<AppPassword[]> {
  const rows: AppPasswordRow[] = await m.query(
    `SELECT ${APP_PASSWORD_COLUMNS}, ${appPasswordScopeColumns()}
       FROM app_passwords ap JOIN tenant_policies tp ON tp.tenant_id = ap.tenant_id
      WHERE ap.tenant_id = $1 AND (${where})
      ORDER BY ap.created_at, ap.id`,
    [tenantId, ...values],
  );
  const now = new Date();
  return rows.map((row) => appPasswordFromRow(row, now));
}
