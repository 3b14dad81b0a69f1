import { ApiScope } from '../../common/context.js';
import { MaxLength } from 'class-validator';
import { ArgsType, Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { connectionTypes, NewestFirstPageArgs } from '../../common/pagination.js';
import { GraphQLJSONObject } from 'graphql-scalars';
import { SignInCredential, SignInOutcome } from '../sign-in/sign-in-log.js';
import { AuditAction, type AuditActorType } from '../audit/audit-event.entity.js';
import './audit-action.enum.js';

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
    SERVICE_NOT_ALLOWED: {
      description:
        'The right app password, for a service it does not have (see AppPassword.services), or a check that named no service ' +
        'for one that does not have them all (or on a server that requires a service).',
    },
    NETWORK_NOT_ALLOWED: { description: 'The right app password, from outside the networks it may be used from.' },
    EMAIL_UNVERIFIED: {
      description: 'Single sign-on: the identity provider did not say the e-mail address is verified (email_verified), so it was not used.',
    },
    WRONG_ACCOUNT: { description: 'Single sign-on: confirming who you are, another account was signed in at the identity provider.' },
    PROVIDER_REFUSED: {
      description: 'Single sign-on: the identity provider answered with an error (the person cancelled, or it refused).',
    },
    INVALID_PROVIDER_ANSWER: {
      description:
        "Single sign-on: the identity provider's answer failed a check here: not the sign-in this browser started (state), " +
        'a code already used, an ID token for another sign-in (nonce) or application, expired, or not signed by the provider.',
    },
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
    SINGLE_SIGN_ON: {
      description: "A console sign-in through the organisation's identity provider (OpenID Connect), or confirming who you are there.",
    },
  },
});

/** AuditActorType as an object, for the GraphQL enum. */
export const AuditActorKind = { USER: 'user', API_TOKEN: 'api_token', OPERATOR: 'operator', SYSTEM: 'system' } as const satisfies Record<
  string,
  AuditActorType
>;
registerEnumType(AuditActorKind, {
  name: 'AuditActorType',
  description: 'Who made a recorded change. Its value in AuditEntry.actorType is given first.',
  valuesConfig: {
    USER: { description: 'user: a signed-in user (see actorUserId).' },
    API_TOKEN: { description: "api_token: an integrator's API token (see actorApiTokenId)." },
    OPERATOR: { description: 'operator: an operator with the command-line tool.' },
    SYSTEM: { description: 'system: the server itself, e.g. blocking sign-ins after too many failures.' },
  },
});

@ObjectType({ description: 'One recorded change. Never holds a secret.' })
export class AuditEntry {
  @Field(() => ID, { description: 'Identifies the entry; larger ids were recorded later.' })
  id!: string;

  @Field(() => Date, { description: 'When it happened.' })
  occurredAt!: Date;

  @Field(() => String, {
    description: 'What happened, e.g. app_password.created, app_password.revoked, tenant_policy.updated, user.disabled.',
    deprecationReason: 'Use actionKind: the same, as an enum.',
  })
  action!: string;

  @Field(() => AuditAction, { description: 'What happened.' })
  actionKind!: AuditAction;

  @Field(() => String, {
    description: 'user, api_token, operator (the CLI) or system.',
    deprecationReason: 'Use actorKind: the same, as an enum.',
  })
  actorType!: string;

  @Field(() => AuditActorKind, { description: 'Who made the change.' })
  actorKind!: AuditActorType;

  @Field(() => ID, { description: 'The acting user, when a user acted.', nullable: true })
  actorUserId!: string | null;

  @Field(() => String, { nullable: true, description: "The acting user's sign-in name, when a user acted." })
  actorEmail!: string | null;

  @Field(() => ID, { description: 'The acting API token, when an integrator acted.', nullable: true })
  actorApiTokenId!: string | null;

  @Field(() => String, {
    nullable: true,
    description: "The acting API token's name, while the token exists (e.g. the one an identity provider provisions with).",
  })
  actorApiTokenName!: string | null;

  @Field(() => [ApiScope], { nullable: true, description: "The acting API token's scopes, while the token exists: SCIM for provisioning." })
  actorApiTokenScopes!: ApiScope[] | null;

  @Field(() => ID, { description: 'The user the change was about, if any.', nullable: true })
  targetUserId!: string | null;

  @Field(() => String, { description: 'That user’s sign-in name.', nullable: true })
  targetEmail!: string | null;

  @Field(() => ID, { description: 'The app password the change was about, if any.', nullable: true })
  appPasswordId!: string | null;

  @Field(() => String, { description: 'That app password’s name at the time.', nullable: true })
  appPasswordName!: string | null;

  @Field(() => String, { description: 'The IP address the change came from; empty for the CLI and the system.', nullable: true })
  clientIp!: string | null;

  @Field(() => String, { description: 'The User-Agent header of that request.', nullable: true })
  userAgent!: string | null;

  @Field(() => String, {
    description: 'More about the change as a JSON object, e.g. {"reason": …} or {"before": …, "after": …}.',
    deprecationReason: 'Use detailsObject: the same object, not as text.',
  })
  details!: string;

  @Field(() => GraphQLJSONObject, {
    description: 'More about the change, e.g. {"reason": …} or {"before": …, "after": …}; {} when there is nothing more.',
  })
  detailsObject!: Record<string, unknown>;
}

@ObjectType({
  description: 'One sign-in attempt: an app-password check, a step of a console sign-in, or a sign-in through the identity provider.',
})
export class SignInEntry {
  @Field(() => ID, { description: 'Identifies the entry; larger ids were recorded later.' })
  id!: string;

  @Field(() => Date, { description: 'When the (first) attempt was made.' })
  occurredAt!: Date;

  @Field(() => SignInOutcome, { description: 'How it ended.' })
  outcome!: SignInOutcome;

  @Field(() => SignInCredential, {
    description: 'What the attempt presented: an app password, the password or a code in the console, or single sign-on.',
  })
  method!: SignInCredential;

  @Field(() => String, { description: 'The sign-in name as the app or person sent it (untrusted text).' })
  signInName!: string;

  @Field(() => ID, { nullable: true, description: 'Empty when the sign-in name matched no user.' })
  userId!: string | null;

  @Field(() => ID, { description: 'The app password it matched, if any.', nullable: true })
  appPasswordId!: string | null;

  @Field(() => String, { nullable: true, description: 'The app password’s name, while it exists.' })
  appPasswordName!: string | null;

  @Field(() => String, { description: 'The IP address the attempt came from.', nullable: true })
  clientIp!: string | null;

  @Field(() => String, { description: 'The User-Agent header of the attempt, when it sent one.', nullable: true })
  userAgent!: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      'The service the app signed in to, as the check named it (imap, caldav …); empty for the console and checks that name none.',
  })
  service!: string | null;

  @Field(() => Int, {
    description:
      'How many attempts this entry stands for: consecutive attempts with the same outcome, sign-in name, app password, IP ' +
      'and user agent within about a second (an app reconnecting in a loop) are logged once, counted here. occurredAt is the first.',
  })
  attempts!: number;
}

export const { Connection: AuditEntryConnection } = connectionTypes('AuditEntry', AuditEntry, 'A page of the audit trail, newest first.');
export const { Connection: SignInEntryConnection } = connectionTypes(
  'SignInEntry',
  SignInEntry,
  'A page of sign-in attempts, newest first.',
);

@InputType({ description: 'All given conditions must hold.' })
export class AuditFilter {
  @Field(() => String, {
    nullable: true,
    description: 'Only this action, e.g. app_password.revoked.',
    deprecationReason: 'Use actionKind: the same, as an enum.',
  })
  action?: string;

  @Field(() => AuditAction, { nullable: true, description: 'Only this action.' })
  actionKind?: AuditAction;

  @Field(() => ID, { nullable: true, description: 'Done by this user.' })
  actorUserId?: string;

  @Field(() => ID, { nullable: true, description: 'Done to this user.' })
  targetUserId?: string;

  @Field(() => Date, { nullable: true, description: 'From this time (inclusive).' })
  from?: Date;

  @Field(() => Date, { nullable: true, description: 'Until this time (exclusive).' })
  to?: Date;
}

@InputType({ description: 'All given conditions must hold.' })
export class SignInFilter {
  @Field(() => ID, { description: 'Only attempts that named this user.', nullable: true })
  userId?: string;

  @Field(() => ID, { description: 'Only attempts that matched this app password.', nullable: true })
  appPasswordId?: string;

  @Field(() => String, { description: 'Only attempts for this service (its key).', nullable: true })
  @MaxLength(1000)
  service?: string;

  @Field(() => SignInOutcome, { description: 'Only attempts that ended this way.', nullable: true })
  outcome?: SignInOutcome;

  @Field(() => SignInCredential, { nullable: true, description: 'Only attempts that presented this: e.g. PASSWORD for console sign-ins.' })
  method?: SignInCredential;

  @Field(() => Date, { description: 'From this time (inclusive).', nullable: true })
  from?: Date;

  @Field(() => Date, { description: 'Until this time (exclusive).', nullable: true })
  to?: Date;
}

@ArgsType()
export class AuditEventsArgs extends NewestFirstPageArgs {
  @Field(() => AuditFilter, { description: 'Only entries that match; all when absent.', nullable: true })
  filter?: AuditFilter;
}

@ArgsType()
export class SignInEventsArgs extends NewestFirstPageArgs {
  @Field(() => SignInFilter, { description: 'Only attempts that match; all when absent.', nullable: true })
  filter?: SignInFilter;
}

@ObjectType({ description: 'App-password sign-ins on one day, counted in attempts.' })
export class SignInDay {
  @Field(() => String, { description: 'The day, YYYY-MM-DD, in the time zone asked for.' })
  date!: string;

  @Field(() => Int, { description: 'Attempts that signed an app in.' })
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

  @Field(() => String, { nullable: true, description: 'Only attempts for this service (its key); all when absent.' })
  @MaxLength(1000)
  service?: string;
}
