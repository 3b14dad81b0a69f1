import { ArgsType, Field, ID, InputType, ObjectType } from 'type-graphql';
import { MaxLength } from 'class-validator';
import { AppPassword } from './app-password.entity.js';

@InputType({ description: 'A new app password; the server generates the secret.' })
export class CreateAppPasswordInput {
  /** Checked in full by the service (trimmed 1–64 characters); this only stops huge payloads early. */
  @Field(() => String, { description: 'The app or device it is for, e.g. "Thunderbird on my laptop" (1–64 characters).' })
  @MaxLength(1000)
  name!: string;
}

@ObjectType({ description: 'The created app password, with its secret.' })
export class CreateAppPasswordPayload {
  @Field(() => AppPassword, { description: 'The new app password, as securityInfo lists it.' })
  appPassword!: AppPassword;

  @Field(() => String, {
    description:
      'The generated password: 28 lowercase letters. Returned only here, never again. ' +
      'Show it in groups of four; apps may send it with or without spaces, in any case.',
  })
  password!: string;
}

@ArgsType()
export class DeleteAppPasswordArgs {
  @Field(() => ID, { description: 'One of your app passwords.' })
  id!: string;
}

@ObjectType({ description: 'What deleteAppPassword did.' })
export class DeleteAppPasswordPayload {
  @Field(() => ID, { description: 'The id of the app password that no longer exists.' })
  deletedId!: string;
}
