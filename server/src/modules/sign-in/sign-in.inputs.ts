import { Field, InputType, Int, ObjectType } from 'type-graphql';
import { MaxLength } from 'class-validator';
import { Viewer } from '../users/viewer.type.js';

@InputType()
export class SignInInput {
  @Field(() => String, { description: 'The sign-in name (an email address; case does not matter).' })
  @MaxLength(254)
  email!: string;

  @Field(() => String, { description: 'The primary password. App passwords never sign in to the console.' })
  @MaxLength(1024)
  password!: string;
}

@ObjectType()
export class SignInPayload {
  @Field(() => Viewer)
  viewer!: Viewer;
}

@InputType()
export class ChangePasswordInput {
  @Field(() => String)
  @MaxLength(1024)
  currentPassword!: string;

  @Field(() => String, { description: '12–256 characters, different from the current one.' })
  @MaxLength(1024)
  newPassword!: string;
}

@ObjectType()
export class ChangePasswordPayload {
  @Field(() => Int, { description: "App passwords deleted because the tenant revokes them when a user's password changes." })
  revokedAppPasswords!: number;
}
