import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { ApiScope } from '../../common/context.js';

registerEnumType(ApiScope, {
  name: 'ApiScope',
  description: 'What an API token may do.',
  valuesConfig: {
    APP_PASSWORDS_READ: { description: 'app_passwords:read: the app-password inventory.' },
    APP_PASSWORDS_REVOKE: { description: 'app_passwords:revoke: revoke app passwords.' },
    AUDIT_READ: { description: 'audit:read: the audit and sign-in logs and their CSV exports.' },
    USERS_READ: { description: 'users:read: the user list.' },
    POLICY_READ: { description: 'policy:read: the tenant policy and its preview.' },
    SCIM: {
      description:
        'scim: an identity provider creating, updating and deleting users over SCIM 2.0 (/scim/v2). Only alone: such a token can do nothing else.',
    },
  },
});

/** An integrator's credential for the admin API. Only its keyed hash is stored. */
@Entity({ name: 'api_tokens' })
@ObjectType({ description: "An integrator's token for the admin API (`Authorization: Bearer apt_…`)." })
export class ApiToken {
  @PrimaryGeneratedColumn('uuid')
  @Field(() => ID, { description: 'Identifies the token, e.g. for revokeApiToken.' })
  id!: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @Column({ type: 'text' })
  @Field(() => String, { description: 'What it is for, as the admin who created it named it.' })
  name!: string;

  @Column({ type: 'text', array: true })
  @Field(() => [ApiScope], { description: 'What it may do.' })
  scopes!: ApiScope[];

  /** HMAC-SHA-256 of the token under the server's lookup key. */
  @Column({ name: 'token_tag', type: 'bytea', select: false })
  tokenTag!: Buffer;

  /** Which server key made the tag (its public id). */
  @Column({ name: 'token_key_id', type: 'text', nullable: true, select: false })
  tokenKeyId!: string | null;

  @Column({ name: 'created_by_user_id', type: 'uuid', nullable: true })
  createdByUserId!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  @Field(() => Date, { description: 'When it was created.' })
  createdAt!: Date;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  @Field(() => Date, { description: 'When it stops working (at most 365 days after creation).' })
  expiresAt!: Date;

  @Column({ name: 'last_used_at', type: 'timestamptz', nullable: true })
  @Field(() => Date, { nullable: true, description: 'Updated at most once a minute.' })
  lastUsedAt!: Date | null;
}
