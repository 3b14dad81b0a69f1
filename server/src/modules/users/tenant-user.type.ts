import { ArgsType, Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { MaxLength } from 'class-validator';
import { connectionTypes, PAGE_SIZE_DESCRIPTION } from '../../common/pagination.js';
import { Role, UserStatus } from './user.entity.js';

registerEnumType(UserStatus, {
  name: 'UserStatus',
  valuesConfig: {
    ACTIVE: { description: 'Can sign in.' },
    DISABLED: { description: 'Cannot sign in; sessions ended and app passwords refused.' },
  },
});

@ObjectType({ description: 'A user of the tenant, as admins see them.' })
export class User {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  email!: string;

  @Field(() => String)
  displayName!: string;

  @Field(() => Role)
  role!: Role;

  @Field(() => UserStatus)
  status!: UserStatus;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => Int)
  appPasswordCount!: number;

  @Field(() => Date, { nullable: true, description: 'The last time any of their app passwords signed an app in.' })
  lastAppPasswordUse!: Date | null;

  @Field(() => Boolean, { description: 'An authenticator app is set up: signing in to the console takes a code after the password.' })
  twoStepEnabled!: boolean;
}

export const { Connection: UserConnection } = connectionTypes('User', User);
export type UserConnection = InstanceType<typeof UserConnection>;

@InputType()
export class UserFilter {
  @Field(() => String, { nullable: true, description: 'Part of the sign-in name or display name, any case.' })
  @MaxLength(200)
  search?: string;
}

@ArgsType()
export class UsersArgs {
  @Field(() => UserFilter, { nullable: true })
  filter?: UserFilter;

  @Field(() => Int, { nullable: true, description: PAGE_SIZE_DESCRIPTION })
  first?: number;

  @Field(() => String, { nullable: true })
  after?: string;
}

@InputType()
export class ResetTwoStepVerificationInput {
  @Field(() => ID)
  userId!: string;

  @Field(() => Boolean, {
    defaultValue: false,
    description:
      'Also delete their app passwords, which the organisation allows only with two-step verification ' +
      '(without it the reset is refused with TWO_STEP_NEEDED_BY_APP_PASSWORDS while they have any).',
  })
  deleteAppPasswords!: boolean;
}

@ObjectType()
export class ResetTwoStepVerificationPayload {
  @Field(() => User)
  user!: User;

  @Field(() => Int, { description: 'Their app passwords deleted with it.' })
  revokedAppPasswords!: number;

  @Field(() => Int, { description: 'Their sessions that were signed out.' })
  signedOutSessions!: number;
}

@ArgsType()
export class UserIdArgs {
  @Field(() => ID)
  id!: string;
}
