import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { Field, ID, ObjectType } from 'type-graphql';
import { APP_PASSWORD_NAME_MAX_LENGTH } from '@app-passwords/schema';

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
}

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
}

/** The app password those columns describe. */
export function appPasswordFromRow(row: AppPasswordRow): AppPassword {
  return Object.assign(new AppPassword(), {
    id: row.id,
    tenantId: row.tenant_id,
    userId: row.user_id,
    name: row.name,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    lastUsedAt: row.last_used_at,
    lastUsedIp: row.last_used_ip,
  });
}
