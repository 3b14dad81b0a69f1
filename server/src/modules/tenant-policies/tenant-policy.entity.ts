import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import {
  MAX_APP_PASSWORDS_PER_USER,
  MAX_AUDIT_RETENTION_DAYS,
  MAX_REVOKE_UNUSED_AFTER_DAYS,
  MIN_REVOKE_UNUSED_AFTER_DAYS,
  UNUSED_NOTICE_DAYS,
} from '@app-passwords/schema';
import type { ServiceDefinition } from '../services/service-catalog.js';

/** What happens to existing app passwords when a tenant switches app passwords off. */
export enum ExistingAppPasswords {
  KEEP_WORKING = 'KEEP_WORKING',
  BLOCK = 'BLOCK',
  REVOKE = 'REVOKE',
}
registerEnumType(ExistingAppPasswords, {
  name: 'ExistingAppPasswords',
  description: 'What switching app passwords off does to the ones users already have.',
  valuesConfig: {
    KEEP_WORKING: { description: 'They keep signing apps in; only new ones are refused (the reference product’s behaviour).' },
    BLOCK: { description: 'They are kept but refused at sign-in until app passwords are switched on again.' },
    REVOKE: { description: 'They are deleted, for good.' },
  },
});

/** The app-password rules a tenant admin sets for the whole tenant; one row per tenant. */
@Entity({ name: 'tenant_policies' })
@ObjectType({ description: "The tenant's rules for app passwords and for its admins." })
export class TenantPolicy {
  @PrimaryColumn({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  /** New tenants start with app passwords switched off, as in the reference product. */
  @Column({ name: 'app_passwords_enabled', type: 'boolean', default: false })
  @Field(() => Boolean, { description: 'Whether users may create app passwords. New tenants start with them off.' })
  appPasswordsEnabled!: boolean;

  /** While switched off: KEEP_WORKING or BLOCK (REVOKE deletes them and then behaves as BLOCK). */
  @Column({ name: 'existing_when_disabled', type: 'text', default: ExistingAppPasswords.BLOCK })
  @Field(() => ExistingAppPasswords, {
    description: 'While app passwords are off: whether existing ones keep working (KEEP_WORKING) or are refused (BLOCK).',
  })
  existingWhenDisabled!: ExistingAppPasswords.KEEP_WORKING | ExistingAppPasswords.BLOCK;

  @Column({ name: 'max_app_passwords_per_user', type: 'integer', default: MAX_APP_PASSWORDS_PER_USER })
  @Field(() => Int, {
    description: `The most app passwords one user may have (1–${MAX_APP_PASSWORDS_PER_USER}). Lowering it never deletes any.`,
  })
  maxAppPasswordsPerUser!: number;

  @Column({ name: 'max_lifetime_days', type: 'integer', nullable: true })
  @Field(() => Int, { nullable: true, description: 'New app passwords expire after this many days; empty: they never expire.' })
  maxLifetimeDays!: number | null;

  @Column({ name: 'revoke_when_primary_password_changes', type: 'boolean', default: false })
  @Field(() => Boolean, { description: "Delete a user's app passwords when their primary password changes." })
  revokeWhenPrimaryPasswordChanges!: boolean;

  @Column({ name: 'require_two_step_for_app_passwords', type: 'boolean', default: true })
  @Field(() => Boolean, {
    description:
      'Only users with two-step verification may create app passwords, as in the reference product (new tenants: on). ' +
      'Switching it on later leaves existing app passwords alone.',
  })
  requireTwoStepForAppPasswords!: boolean;

  @Column({ name: 'require_two_step_for_admins', type: 'boolean', default: true })
  @Field(() => Boolean, {
    description:
      'Admins must have two-step verification to do admin work (new tenants: on). An admin without it can still sign in and ' +
      'set it up, but every admin query and mutation answers TWO_STEP_REQUIRED until they do. API tokens are not affected.',
  })
  requireTwoStepForAdmins!: boolean;

  @Column({ name: 'audit_retention_days', type: 'integer', default: 90 })
  @Field(() => Int, { description: `Audit events older than this are deleted (1–${MAX_AUDIT_RETENTION_DAYS} days).` })
  auditRetentionDays!: number;

  /** The tenant's services, in the order it lists them (Query.services). */
  @Column({ type: 'jsonb' })
  services!: ServiceDefinition[];

  @Column({ name: 'allowed_services', type: 'text', array: true })
  @Field(() => [String], {
    description:
      'The services (keys) app passwords may be used for at all. Taking one away refuses it for every app password at once ' +
      '(SERVICE_NOT_ALLOWED) without changing them; giving it back lets those that had it use it again.',
  })
  allowedServices!: string[];

  @Column({ name: 'require_networks', type: 'boolean', default: false })
  @Field(() => Boolean, {
    description: 'New app passwords must name the networks they may be used from. Existing ones are left alone.',
  })
  requireNetworks!: boolean;

  @Column({ name: 'revoke_unused_after_days', type: 'integer', nullable: true })
  @Field(() => Int, {
    nullable: true,
    description:
      `App passwords not used for this many days (${MIN_REVOKE_UNUSED_AFTER_DAYS}–${MAX_REVOKE_UNUSED_AFTER_DAYS}; never used: since ` +
      `created) are revoked by a daily job, ${UNUSED_NOTICE_DAYS} days after their owner was told (app_password.unused_notice); ` +
      'null: never (the default). Switching it on revokes nothing before those days have passed.',
  })
  revokeUnusedAfterDays!: number | null;

  @Column({ name: 'expiry_reminders', type: 'boolean', default: true })
  @Field(() => Boolean, {
    description: 'Owners are told 14 and 3 days before an app password expires (app_password.expiring). New tenants: on.',
  })
  expiryReminders!: boolean;
  @Column({ name: 'password_sign_in', type: 'boolean', default: true })
  @Field(() => Boolean, {
    description:
      'Users may sign in to the console with their password. Off: only single sign-on, except the break-glass admins ' +
      '(admins with two-step verification, who sign in with password and code). Needs single sign-on and such an admin to be off.',
  })
  passwordSignIn!: boolean;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  @Field(() => Date, { description: 'When the policy last changed.' })
  updatedAt!: Date;
}
