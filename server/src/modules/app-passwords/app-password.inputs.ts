import { ArgsType, Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { ArrayMaxSize, MaxLength } from 'class-validator';
import {
  APP_PASSWORD_NAME_MAX_LENGTH,
  MAX_APP_PASSWORD_LIFETIME_DAYS,
  MAX_APP_PASSWORD_NETWORKS,
  MAX_SERVICES_PER_TENANT,
} from '@app-passwords/schema';
import { AppPassword } from './app-password.entity.js';

@InputType({ description: 'A new app password; the server generates the secret.' })
export class CreateAppPasswordInput {
  /** Checked in full by parseAppPasswordName once trimmed and normalised; this only stops huge payloads early. */
  @Field(() => String, {
    description: `The app or device it is for, e.g. "Thunderbird on my laptop" (1–${APP_PASSWORD_NAME_MAX_LENGTH} characters).`,
  })
  @MaxLength(1000)
  name!: string;

  @Field(() => [String], {
    nullable: true,
    description:
      'The services (keys of Query.services) it may be used for; each one your organisation allows. ' +
      'Not given: every service your organisation allows.',
  })
  @ArrayMaxSize(MAX_SERVICES_PER_TENANT)
  @MaxLength(1000, { each: true })
  services?: string[] | null;

  @Field(() => [String], {
    nullable: true,
    description:
      `The networks it may be used from, at most ${MAX_APP_PASSWORD_NETWORKS}: CIDR (192.0.2.0/24, 2001:db8::/48) or single ` +
      'addresses. Not given or empty: anywhere (unless your organisation requires networks).',
  })
  @ArrayMaxSize(1000)
  @MaxLength(1000, { each: true })
  networks?: string[] | null;
  @Field(() => Int, {
    nullable: true,
    description:
      `It stops working after this many days (1–${MAX_APP_PASSWORD_LIFETIME_DAYS}), at most your organisation's maximum ` +
      '(SecurityInfo.maxLifetimeDays). Give this or expiresAt, or neither: the maximum, or never when there is none.',
  })
  expiresInDays?: number | null;

  @Field(() => Date, {
    nullable: true,
    description: "It stops working at this time: in the future, and within your organisation's maximum lifetime.",
  })
  expiresAt?: Date | null;
}

@InputType({ description: 'A new name for one of your app passwords.' })
export class RenameAppPasswordInput {
  @Field(() => ID, { description: 'One of your app passwords.' })
  @MaxLength(1000)
  id!: string;

  @Field(() => String, { description: `The app or device it is for (1–${APP_PASSWORD_NAME_MAX_LENGTH} characters).` })
  @MaxLength(1000)
  name!: string;
}

@ObjectType({ description: 'What deleteAllMyAppPasswords did.' })
export class DeleteAllMyAppPasswordsPayload {
  @Field(() => Int, { description: 'How many app passwords were deleted; apps using them are refused from their next request.' })
  deletedCount!: number;
}

@InputType({ description: 'Fewer services for one of your app passwords.' })
export class LimitAppPasswordServicesInput {
  @Field(() => ID, { description: 'One of your app passwords.' })
  @MaxLength(1000)
  id!: string;

  @Field(() => [String], { description: 'The services it keeps: some of those it has now, at least one.' })
  @ArrayMaxSize(MAX_SERVICES_PER_TENANT)
  @MaxLength(1000, { each: true })
  services!: string[];
}

@InputType({ description: 'Where an app password may be used from.' })
export class SetAppPasswordNetworksInput {
  @Field(() => ID, { description: 'One of your app passwords; admins: any app password of the tenant.' })
  @MaxLength(1000)
  id!: string;

  @Field(() => [String], {
    description: `At most ${MAX_APP_PASSWORD_NETWORKS} networks (CIDR) or addresses; empty: anywhere (unless the tenant requires networks).`,
  })
  @ArrayMaxSize(1000)
  @MaxLength(1000, { each: true })
  networks!: string[];
}

@ObjectType({ description: 'The app password as it is now.' })
export class AppPasswordPayload {
  @Field(() => AppPassword, { description: 'As securityInfo lists it.' })
  appPassword!: AppPassword;
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
