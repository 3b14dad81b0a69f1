import { ArgsType, Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { connectionTypes, PAGE_SIZE_DESCRIPTION } from '../../common/pagination.js';
import { SignInCredential, SignInOutcome } from '../sign-in/sign-in-log.js';

registerEnumType(SignInOutcome, {
  name: 'SignInOutcome',
  description: 'How a sign-in attempt ended.',
  valuesConfig: {
    SUCCESS: { description: 'Signed in (for a console password with two-step verification: the first step passed).' },
    UNKNOWN_USER: { description: 'No user has this sign-in name.' },
    WRONG_PASSWORD: { description: 'The app password or password was wrong (for an app password: no such app password).' },
    EXPIRED: { description: 'The app password was right but has expired.' },
    REVOKED: { description: 'A remembered app password was deleted or revoked since.' },
    POLICY_OFF: { description: 'The app password was right, but the organisation has switched app passwords off.' },
    USER_DISABLED: { description: 'The credentials were right, but the user is disabled.' },
    THROTTLED: { description: 'Refused unchecked: too many failures for this name, device or address.' },
    BUSY: { description: 'Refused unchecked: the server was too busy to check. Counts as no failure.' },
    WRONG_CODE: { description: 'The two-step code or recovery code was wrong.' },
  },
});

registerEnumType(SignInCredential, {
  name: 'SignInCredential',
  description: 'What a sign-in attempt presented.',
  valuesConfig: {
    APP_PASSWORD: { description: 'An app password, from an app (/auth/basic or Basic on GraphQL).' },
    PASSWORD: { description: 'The primary password, in the console (signing in, entering it again, changing it).' },
    TWO_STEP_CODE: { description: 'A code from the authenticator app, the second step of a console sign-in.' },
    RECOVERY_CODE: { description: 'A recovery code, in place of the authenticator app.' },
  },
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

@ObjectType({ description: 'One sign-in attempt: an app-password check, or a step of a console sign-in.' })
export class SignInEntry {
  @Field(() => ID)
  id!: string;

  @Field(() => Date)
  occurredAt!: Date;

  @Field(() => SignInOutcome)
  outcome!: SignInOutcome;

  @Field(() => SignInCredential, { description: 'What the attempt presented: an app password, or the password or a code in the console.' })
  method!: SignInCredential;

  @Field(() => String, { description: 'The sign-in name as the app or person sent it (untrusted text).' })
  signInName!: string;

  @Field(() => ID, { nullable: true, description: 'Empty when the sign-in name matched no user.' })
  userId!: string | null;

  @Field(() => ID, { nullable: true })
  appPasswordId!: string | null;

  @Field(() => String, { nullable: true, description: 'The app password’s name, while it exists.' })
  appPasswordName!: string | null;

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

  @Field(() => SignInCredential, { nullable: true, description: 'Only attempts that presented this: e.g. PASSWORD for console sign-ins.' })
  method?: SignInCredential;

  @Field(() => Date, { nullable: true })
  from?: Date;

  @Field(() => Date, { nullable: true })
  to?: Date;
}

@ArgsType()
export class AuditEventsArgs {
  @Field(() => AuditFilter, { nullable: true })
  filter?: AuditFilter;

  @Field(() => Int, { nullable: true, description: `${PAGE_SIZE_DESCRIPTION} Newest first.` })
  first?: number;

  @Field(() => String, { nullable: true })
  after?: string;
}

@ArgsType()
export class SignInEventsArgs {
  @Field(() => SignInFilter, { nullable: true })
  filter?: SignInFilter;

  @Field(() => Int, { nullable: true, description: `${PAGE_SIZE_DESCRIPTION} Newest first.` })
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
export class ViewerSignInsArgs {
  @Field(() => Int, { nullable: true, description: `${PAGE_SIZE_DESCRIPTION} Newest first.` })
  first?: number;

  @Field(() => String, { nullable: true })
  after?: string;
}

@ArgsType()
export class SignInActivityArgs {
  @Field(() => Int, { defaultValue: 30, description: 'How many days, today included: 1–366.' })
  days!: number;

  @Field(() => String, { defaultValue: 'UTC', description: 'An IANA time zone (e.g. Europe/Amsterdam) that says where days begin.' })
  timeZone!: string;
}
