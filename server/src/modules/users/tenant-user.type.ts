import { ArgsType, Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { MaxLength } from 'class-validator';
import { AFTER_DESCRIPTION, connectionTypes, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../../common/pagination.js';
import { Role, UserStatus } from './user.entity.js';

registerEnumType(UserStatus, {
  name: 'UserStatus',
  description: 'Whether a user can sign in.',
  valuesConfig: {
    ACTIVE: { description: 'Can sign in.' },
    DISABLED: { description: 'Cannot sign in; sessions ended and app passwords refused.' },
  },
});

/** Where a user came from, as GraphQL names it (users.source in upper case). */
export enum UserOrigin {
  LOCAL = 'LOCAL',
  SCIM = 'SCIM',
  SSO = 'SSO',
}
registerEnumType(UserOrigin, {
  name: 'UserOrigin',
  description: 'Where a user came from.',
  valuesConfig: {
    LOCAL: { description: 'Created here: by an admin, an operator, or the demo.' },
    SCIM: { description: "Provisioned by the organisation's identity provider over SCIM." },
    SSO: { description: 'Created at their first single sign-on.' },
  },
});

@ObjectType({ description: 'A user of the tenant, as admins see them.' })
export class User {
  @Field(() => ID, { description: 'The user id.' })
  id!: string;

  @Field(() => String, { description: 'The sign-in name.' })
  email!: string;

  @Field(() => String, { description: 'Their name as shown in the console.' })
  displayName!: string;

  @Field(() => Role, { description: 'What they may do in the tenant.' })
  role!: Role;

  @Field(() => UserStatus, { description: 'Whether they can sign in.' })
  status!: UserStatus;

  @Field(() => Date, { description: 'When the user was created.' })
  createdAt!: Date;

  @Field(() => Int, { description: 'How many app passwords they have, expired ones included.' })
  appPasswordCount!: number;

  @Field(() => Date, { nullable: true, description: 'The last time any of their app passwords signed an app in.' })
  lastAppPasswordUse!: Date | null;

  @Field(() => Boolean, { description: 'An authenticator app is set up: signing in to the console takes a code after the password.' })
  twoStepEnabled!: boolean;

  @Field(() => UserOrigin, { description: 'Where the user came from.' })
  origin!: UserOrigin;

  @Field(() => Boolean, { description: 'They have a password; false: they sign in only through single sign-on.' })
  hasPassword!: boolean;

  @Field(() => Boolean, { description: 'They still have the one-time password they were given and must choose their own at sign-in.' })
  mustChangePassword!: boolean;

  @Field(() => Date, { nullable: true, description: 'Their last sign-in to the console (password or single sign-on); null: never.' })
  lastSignInAt!: Date | null;
}

export const { Connection: UserConnection } = connectionTypes('User', User, "A page of the tenant's users, by sign-in name.");
export type UserConnection = InstanceType<typeof UserConnection>;

@InputType({ description: 'All given conditions must hold.' })
export class UserFilter {
  @Field(() => String, { nullable: true, description: 'Part of the sign-in name or display name, any case.' })
  @MaxLength(200)
  search?: string;

  @Field(() => String, {
    nullable: true,
    description: 'The sign-in name or the display name starts with this, any case (fast on large tenants, unlike search).',
  })
  @MaxLength(200)
  startsWith?: string;
}

@ArgsType()
export class UsersArgs {
  @Field(() => UserFilter, { description: 'Only users that match; all when absent.', nullable: true })
  filter?: UserFilter;

  @Field(() => Int, {
    nullable: true,
    defaultValue: DEFAULT_PAGE_SIZE,
    description: `How many to return, by sign-in name: 1–${MAX_PAGE_SIZE}.`,
  })
  first?: number;

  @Field(() => String, { nullable: true, description: AFTER_DESCRIPTION })
  after?: string;
}

@InputType({ description: 'Whose two-step verification to reset.' })
export class ResetTwoStepVerificationInput {
  @Field(() => ID, { description: 'The locked-out user (not yourself).' })
  userId!: string;

  @Field(() => Boolean, {
    defaultValue: false,
    description:
      'Also delete their app passwords, which the organisation allows only with two-step verification ' +
      '(without it the reset is refused with TWO_STEP_NEEDED_BY_APP_PASSWORDS while they have any).',
  })
  deleteAppPasswords!: boolean;
}

@ObjectType({ description: 'The user after the reset.' })
export class ResetTwoStepVerificationPayload {
  @Field(() => User, { description: 'The user, now without two-step verification.' })
  user!: User;

  @Field(() => Int, { description: 'Their app passwords deleted with it.' })
  revokedAppPasswords!: number;

  @Field(() => Int, { description: 'Their sessions that were signed out.' })
  signedOutSessions!: number;
}

@ArgsType()
export class UserIdArgs {
  @Field(() => ID, { description: 'A user of your tenant.' })
  id!: string;
}
