import { Field, InputType, Int, ObjectType } from 'type-graphql';
import { MaxLength } from 'class-validator';
import { Viewer } from '../users/viewer.type.js';

@InputType({ description: 'Console credentials.' })
export class SignInInput {
  @Field(() => String, { description: 'The sign-in name (an email address; case does not matter).' })
  @MaxLength(254)
  email!: string;

  @Field(() => String, { description: 'The primary password. App passwords never sign in to the console.' })
  @MaxLength(1024)
  password!: string;
}

@ObjectType({ description: 'The outcome of a sign-in step.' })
export class SignInPayload {
  @Field(() => Viewer, { nullable: true, description: 'The signed-in user; empty while the second step is still to come.' })
  viewer!: Viewer | null;

  @Field(() => Boolean, {
    description: 'The password was right and the user has two-step verification: send the code with completeSignIn.',
  })
  twoStepRequired!: boolean;
}

@InputType({ description: 'The second step of a sign-in.' })
export class CompleteSignInInput {
  @Field(() => String, { description: 'The 6-digit code from the authenticator app, or one of the recovery codes.' })
  @MaxLength(64)
  code!: string;
}

@InputType({ description: 'Your password, to confirm it is you.' })
export class ReauthenticateInput {
  @Field(() => String, { description: 'The primary password, again.' })
  @MaxLength(1024)
  password!: string;
}

@ObjectType({ description: 'Sensitive changes are allowed for a while.' })
export class ReauthenticatePayload {
  @Field(() => Date, { description: 'Sensitive changes are allowed for 10 minutes from this time.' })
  authenticatedAt!: Date;
}

@InputType({ description: 'The current and the new primary password.' })
export class ChangePasswordInput {
  @Field(() => String, { description: 'The primary password in use now.' })
  @MaxLength(1024)
  currentPassword!: string;

  @Field(() => String, { description: '12–256 characters, different from the current one.' })
  @MaxLength(1024)
  newPassword!: string;
}

@ObjectType({ description: 'The password has changed.' })
export class ChangePasswordPayload {
  @Field(() => Int, { description: "App passwords deleted because the tenant revokes them when a user's password changes." })
  revokedAppPasswords!: number;
}
