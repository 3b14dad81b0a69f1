import { ArrayMaxSize, Max, Min } from 'class-validator';
import { Field, InputType, Int, ObjectType } from 'type-graphql';
import {
  MAX_APP_PASSWORD_LIFETIME_DAYS,
  MAX_APP_PASSWORDS_PER_USER,
  MAX_AUDIT_RETENTION_DAYS,
  MAX_SERVICES_PER_TENANT,
  MAX_REVOKE_UNUSED_AFTER_DAYS,
  MIN_REVOKE_UNUSED_AFTER_DAYS,
  UNUSED_NOTICE_DAYS,
} from '@app-passwords/schema';
import { ExistingAppPasswords, TenantPolicy } from './tenant-policy.entity.js';

@InputType({ description: 'Only the fields given change.' })
export class UpdateTenantPolicyInput {
  @Field(() => Boolean, { description: 'Whether users may create app passwords.', nullable: true })
  appPasswordsEnabled?: boolean;

  @Field(() => ExistingAppPasswords, {
    nullable: true,
    description: 'Required when switching app passwords off: what happens to the ones users already have.',
  })
  existingAppPasswords?: ExistingAppPasswords;

  @Field(() => Int, {
    nullable: true,
    description: `1–${MAX_APP_PASSWORDS_PER_USER}. Lowering it never deletes app passwords; it only stops new ones.`,
  })
  @Min(1)
  @Max(MAX_APP_PASSWORDS_PER_USER)
  maxAppPasswordsPerUser?: number;

  @Field(() => Int, {
    nullable: true,
    description: `1–${MAX_APP_PASSWORD_LIFETIME_DAYS} days for new app passwords; null: they never expire. Existing ones keep theirs.`,
  })
  @Min(1)
  @Max(MAX_APP_PASSWORD_LIFETIME_DAYS)
  maxLifetimeDays?: number | null;

  @Field(() => Boolean, { description: "Delete a user's app passwords when their primary password changes.", nullable: true })
  revokeWhenPrimaryPasswordChanges?: boolean;

  @Field(() => Boolean, {
    description: 'Only users with two-step verification may create app passwords. Existing app passwords are left alone.',
    nullable: true,
  })
  requireTwoStepForAppPasswords?: boolean;

  @Field(() => Boolean, {
    nullable: true,
    description: 'Only admins with two-step verification may do admin work (while it is on, that includes changing it).',
  })
  requireTwoStepForAdmins?: boolean;

  @Field(() => [String], {
    nullable: true,
    description: 'The services (keys of Query.services) app passwords may be used for at all; at least one.',
  })
  @ArrayMaxSize(MAX_SERVICES_PER_TENANT)
  allowedServices?: string[];

  @Field(() => Boolean, { nullable: true, description: 'New app passwords must name the networks they may be used from.' })
  requireNetworks?: boolean;

  @Field(() => Boolean, {
    nullable: true,
    description:
      'Password sign-in to the console; false needs single sign-on configured and a break-glass admin (an admin with two-step verification).',
  })
  passwordSignIn?: boolean;

  @Field(() => Int, { nullable: true, description: `1–${MAX_AUDIT_RETENTION_DAYS} days.` })
  @Min(1)
  @Max(MAX_AUDIT_RETENTION_DAYS)
  auditRetentionDays?: number;

  @Field(() => Int, {
    nullable: true,
    description:
      `Revoke app passwords unused for this many days (${MIN_REVOKE_UNUSED_AFTER_DAYS}–${MAX_REVOKE_UNUSED_AFTER_DAYS}), ` +
      `each ${UNUSED_NOTICE_DAYS} days after its owner was told; null: never. See unusedAppPasswordsPreview first.`,
  })
  revokeUnusedAfterDays?: number | null;

  @Field(() => Boolean, { nullable: true, description: 'Tell owners 14 and 3 days before an app password expires.' })
  expiryReminders?: boolean;
}

@ObjectType({ description: 'The policy after the change.' })
export class UpdateTenantPolicyPayload {
  @Field(() => TenantPolicy, { description: 'The whole policy, as it is now.' })
  policy!: TenantPolicy;

  @Field(() => Int, { description: 'App passwords deleted by this change (switching off with REVOKE).' })
  revokedAppPasswords!: number;
}

@ObjectType({ description: 'Users and app passwords a choice would affect.' })
export class AffectedAppPasswords {
  @Field(() => Int, { description: 'Users who have at least one of those app passwords.' })
  users!: number;

  @Field(() => Int, { description: 'App passwords affected.' })
  appPasswords!: number;
}

@ObjectType({ description: 'What switching app passwords off would do, for each choice.' })
export class TenantPolicyChangePreview {
  @Field(() => AffectedAppPasswords, { description: 'Nothing stops working.' })
  keepWorking!: AffectedAppPasswords;

  @Field(() => AffectedAppPasswords, { description: 'Refused at sign-in until switched on again.' })
  block!: AffectedAppPasswords;

  @Field(() => AffectedAppPasswords, { description: 'Deleted for good.' })
  revoke!: AffectedAppPasswords;
}
