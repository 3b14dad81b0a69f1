import { MaxLength } from 'class-validator';
import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Role } from './user.entity.js';
import { User } from './tenant-user.type.js';

/** How a new user signs in at first. */
export enum InitialPassword {
  GENERATE = 'GENERATE',
  NONE = 'NONE',
}
registerEnumType(InitialPassword, {
  name: 'InitialPassword',
  description: 'How a new user signs in at first.',
  valuesConfig: {
    GENERATE: {
      description:
        'A password the server generates, returned once in CreateUserPayload.initialPassword; the user must choose their own at their first sign-in.',
    },
    NONE: { description: 'No password: the user signs in only through single sign-on.' },
  },
});

@InputType({ description: 'A new user of your tenant.' })
export class CreateUserInput {
  @Field(() => String, { description: 'Their sign-in name: an email address, unique across the installation (any letter case).' })
  @MaxLength(1000)
  email!: string;

  @Field(() => String, {
    nullable: true,
    description: 'Their name as shown in the console, 1–100 characters; the part before the @ when absent.',
  })
  @MaxLength(1000)
  displayName?: string | null;

  @Field(() => Role, { defaultValue: Role.USER, description: 'What they may do in the tenant.' })
  role!: Role;

  @Field(() => InitialPassword, {
    defaultValue: InitialPassword.GENERATE,
    description: 'A one-time password, or none (single sign-on only).',
  })
  password!: InitialPassword;
}

@ObjectType({ description: 'The user just created.' })
export class CreateUserPayload {
  @Field(() => User, { description: 'The new user.' })
  user!: User;

  @Field(() => String, {
    nullable: true,
    description:
      'The one-time password to hand to the user, shown only in this response (never stored in plain text, never shown again); null with password NONE.',
  })
  initialPassword!: string | null;
}

@InputType({ description: 'Whose role, and the new one.' })
export class ChangeUserRoleInput {
  @Field(() => ID, { description: 'A user of your tenant.' })
  userId!: string;

  @Field(() => Role, { description: 'Their new role. The last active admin of the tenant stays one (LAST_ADMIN).' })
  role!: Role;
}

@InputType({ description: 'What to change about a user; what is absent stays.' })
export class UpdateUserInput {
  @Field(() => ID, { description: 'A user of your tenant.' })
  userId!: string;

  @Field(() => String, {
    nullable: true,
    description: 'A new sign-in name. Their app passwords keep working with the new name at once, and no longer with the old one.',
  })
  @MaxLength(1000)
  email?: string | null;

  @Field(() => String, { nullable: true, description: 'A new display name, 1–100 characters.' })
  @MaxLength(1000)
  displayName?: string | null;
}

@InputType({ description: 'The user to delete.' })
export class DeleteUserInput {
  @Field(() => ID, { description: 'A user of your tenant, not yourself, not the last active admin.' })
  userId!: string;
}

@ObjectType({ description: 'What went with a deleted user.' })
export class DeleteUserPayload {
  @Field(() => ID, { description: 'The id of the user who is gone; audit entries keep it.' })
  deletedUserId!: string;

  @Field(() => Int, { description: 'Their app passwords that were revoked with them.' })
  revokedAppPasswords!: number;

  @Field(() => Int, { description: 'Their console sessions that ended.' })
  signedOutSessions!: number;
}
