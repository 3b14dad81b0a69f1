import { ArgsType, Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { connectionTypes } from '../../common/pagination.js';
import { SignInOutcome } from '../sign-in/sign-in-log.js';

registerEnumType(SignInOutcome, {
  name: 'SignInOutcome',
  description: 'How an app-password sign-in ended.',
});

@ObjectType({ description: 'One recorded change. Never holds a secret.' })
export class AuditEntry {
  @Field(() => ID)
  id!: string;

  @Field(() => Date)
  occurredAt!: Date;

  @Field(() => String, {
    description: 'What happened, e.g. app_password.created, app_password.revoked, tenant_policy.updated, user.disabled.',
  })
  action!: string;

  @Field(() => String, { description: 'user, api_token, operator (the CLI) or system.' })
  actorType!: string;

  @Field(() => ID, { nullable: true })
  actorUserId!: string | null;

  @Field(() => String, { nullable: true, description: "The acting user's sign-in name, when a user acted." })
  actorEmail!: string | null;

  @Field(() => ID, { nullable: true })
  actorApiTokenId!: string | null;

  @Field(() => ID, { nullable: true })
  targetUserId!: string | null;

  @Field(() => String, { nullable: true })
  targetEmail!: string | null;

  @Field(() => ID, { nullable: true })
  appPasswordId!: string | null;

  @Field(() => String, { nullable: true })
  appPasswordName!: string | null;

  @Field(() => String, { nullable: true })
  clientIp!: string | null;

  @Field(() => String, { nullable: true })
  userAgent!: string | null;

  @Field(() => String, { description: 'More about the change as a JSON object, e.g. {"reason": …} or {"before": …, "after": …}.' })
  details!: string;
}

@ObjectType({ description: 'One app-password check, as an app or proxy asked for it.' })
export class SignInEntry {
  @Field(() => ID)
  id!: string;

  @Field(() => Date)
  occurredAt!: Date;

  @Field(() => SignInOutcome)
  outcome!: SignInOutcome;

  @Field(() => String, { description: 'The sign-in name as the app sent it (untrusted text).' })
  signInName!: string;

  @Field(() => ID, { nullable: true, description: 'Empty when the sign-in name matched no user.' })
  userId!: string | null;

  @Field(() => ID, { nullable: true })
  appPasswordId!: string | null;

  @Field(() => String, { nullable: true })
  clientIp!: string | null;

  @Field(() => String, { nullable: true })
  userAgent!: string | null;

  @Field(() => Int, {
    description:
      'How many attempts this entry stands for: consecutive attempts with the same outcome, sign-in name, app password, IP ' +
      'and user agent within about a second (an app reconnecting in a loop) are logged once, counted here. occurredAt is the first.',
  })
  attempts!: number;
}

export const { Connection: AuditEntryConnection } = connectionTypes('AuditEntry', AuditEntry);
export const { Connection: SignInEntryConnection } = connectionTypes('SignInEntry', SignInEntry);

@InputType()
export class AuditFilter {
  @Field(() => String, { nullable: true })
  action?: string;

  @Field(() => ID, { nullable: true, description: 'Done by this user.' })
  actorUserId?: string;

  @Field(() => ID, { nullable: true, description: 'Done to this user.' })
  targetUserId?: string;

  @Field(() => Date, { nullable: true, description: 'From this time (inclusive).' })
  from?: Date;

  @Field(() => Date, { nullable: true, description: 'Until this time (exclusive).' })
  to?: Date;
}

@InputType()
export class SignInFilter {
  @Field(() => ID, { nullable: true })
  userId?: string;

  @Field(() => ID, { nullable: true })
  appPasswordId?: string;

  @Field(() => SignInOutcome, { nullable: true })
  outcome?: SignInOutcome;

  @Field(() => Date, { nullable: true })
  from?: Date;

  @Field(() => Date, { nullable: true })
  to?: Date;
}

@ArgsType()
export class AuditEventsArgs {
  @Field(() => AuditFilter, { nullable: true })
  filter?: AuditFilter;

  @Field(() => Int, { nullable: true, description: '1–200, default 50. Newest first.' })
  first?: number;

  @Field(() => String, { nullable: true })
  after?: string;
}

@ArgsType()
export class SignInEventsArgs {
  @Field(() => SignInFilter, { nullable: true })
  filter?: SignInFilter;

  @Field(() => Int, { nullable: true, description: '1–200, default 50. Newest first.' })
  first?: number;

  @Field(() => String, { nullable: true })
  after?: string;
}

@ObjectType({ description: 'App-password sign-ins on one day, counted in attempts.' })
export class SignInDay {
  @Field(() => String, { description: 'The day, YYYY-MM-DD, in the time zone asked for.' })
  date!: string;

  @Field(() => Int)
  succeeded!: number;

  @Field(() => Int, { description: 'Every other outcome: wrong passwords, unknown names, refused and throttled attempts.' })
  failed!: number;
}

@ArgsType()
export class SignInActivityArgs {
  @Field(() => Int, { defaultValue: 30, description: 'How many days, today included: 1–366.' })
  days!: number;

  @Field(() => String, { defaultValue: 'UTC', description: 'An IANA time zone (e.g. Europe/Amsterdam) that says where days begin.' })
  timeZone!: string;
}
