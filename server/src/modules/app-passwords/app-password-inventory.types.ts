import { ArrayMaxSize, IsOptional, Length, MaxLength } from 'class-validator';
import { BULK_REVOKE_REASON_MAX_LENGTH } from '@app-passwords/schema';
import { ArgsType, Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { AFTER_DESCRIPTION, connectionTypes, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, PageInfo } from '../../common/pagination.js';
import { AppPassword } from './app-password.entity.js';

@ObjectType({ description: 'Whose app password it is.' })
export class AppPasswordOwner {
  @Field(() => ID, { description: 'The owner’s user id.' })
  id!: string;

  @Field(() => String, { description: 'The owner’s sign-in name.' })
  email!: string;

  @Field(() => String, { description: 'The owner’s name as shown in the console.' })
  displayName!: string;
}

export enum AppPasswordOrderField {
  CREATED_AT = 'CREATED_AT',
  LAST_USED_AT = 'LAST_USED_AT',
}
registerEnumType(AppPasswordOrderField, {
  name: 'AppPasswordOrderField',
  description: 'What the app-password inventory is sorted by.',
  valuesConfig: {
    CREATED_AT: { description: 'When it was created.' },
    LAST_USED_AT: { description: 'When it last signed an app in. Never-used app passwords sort as the oldest.' },
  },
});

export enum OrderDirection {
  ASC = 'ASC',
  DESC = 'DESC',
}
registerEnumType(OrderDirection, {
  name: 'OrderDirection',
  description: 'Which way a list is sorted.',
  valuesConfig: { ASC: { description: 'Smallest or oldest first.' }, DESC: { description: 'Largest or newest first.' } },
});

@InputType({ description: 'All given conditions must hold.' })
export class AppPasswordFilter {
  @Field(() => [ID], { nullable: true, description: 'Owned by one of these users (at most 10 000).' })
  @IsOptional()
  @ArrayMaxSize(10_000)
  ownerIds?: string[];

  @Field(() => String, { nullable: true, description: 'Name contains this text, any case.' })
  @IsOptional()
  @MaxLength(64)
  nameContains?: string;

  @Field(() => Date, { description: 'Created at or after this time.', nullable: true })
  createdAfter?: Date;

  @Field(() => Date, { description: 'Created before this time.', nullable: true })
  createdBefore?: Date;

  @Field(() => Date, {
    nullable: true,
    description: 'Last used before this time, e.g. 90 days ago for "not used for 90 days". See includeNeverUsed.',
  })
  lastUsedBefore?: Date;

  @Field(() => Boolean, {
    nullable: true,
    defaultValue: true,
    description: 'With lastUsedBefore: also match app passwords never used.',
  })
  includeNeverUsed?: boolean;

  @Field(() => Boolean, { nullable: true, description: 'true: only never used; false: only used at least once.' })
  neverUsed?: boolean;

  @Field(() => Date, { nullable: true, description: 'Expires before this time (app passwords without expiry never match).' })
  expiresBefore?: Date;
  @Field(() => String, { nullable: true, description: 'May be used for this service (its key).' })
  @IsOptional()
  @MaxLength(1000)
  service?: string;

  @Field(() => Boolean, {
    nullable: true,
    description:
      'true: allows more services than it was used for in the last 30 days (and is older than that, and was used): ' +
      'limitAppPasswordsToUsedServices would narrow it.',
  })
  allowsMoreThanUsed?: boolean;
}

@InputType({ description: 'How to sort the app-password inventory.' })
export class AppPasswordOrder {
  @Field(() => AppPasswordOrderField, { description: 'What to sort by.' })
  field!: AppPasswordOrderField;

  @Field(() => OrderDirection, { description: 'Which way.' })
  direction!: OrderDirection;
}

@ArgsType()
export class AppPasswordsArgs {
  @Field(() => AppPasswordFilter, { description: 'Only app passwords that match; all when absent.', nullable: true })
  filter?: AppPasswordFilter;

  @Field(() => AppPasswordOrder, { nullable: true, description: 'Default: newest first. The id breaks ties, so the order is stable.' })
  orderBy?: AppPasswordOrder;

  @Field(() => Int, {
    nullable: true,
    defaultValue: DEFAULT_PAGE_SIZE,
    description: `How many to return, in the order asked for: 1–${MAX_PAGE_SIZE}.`,
  })
  first?: number;

  @Field(() => String, { nullable: true, description: AFTER_DESCRIPTION })
  after?: string;
}

const { Edge } = connectionTypes('AppPassword', AppPassword);

@ObjectType('AppPasswordConnection', { description: "A page of the tenant's app passwords." })
export class AppPasswordConnection {
  @Field(() => [Edge], { description: 'The edges of this page, in list order.' })
  edges!: Array<{ node: AppPassword; cursor: string }>;

  @Field(() => PageInfo, { description: 'Where this page begins and ends, and whether there is more.' })
  pageInfo!: PageInfo;

  /** Counts the whole filtered set once, only if a client asks. */
  count!: () => Promise<{ value: number; estimate: boolean }>;
}

@InputType({ description: 'Exactly one of ids, userIds or filter.' })
export class RevokeAppPasswordsInput {
  @Field(() => [ID], { nullable: true, description: 'These app passwords (at most 10 000); all must exist in your tenant.' })
  @IsOptional()
  @ArrayMaxSize(10_000)
  ids?: string[];

  @Field(() => [ID], {
    nullable: true,
    description: 'Every app password of these users (at most 10 000): the reference product’s “delete all existing app passwords”.',
  })
  @IsOptional()
  @ArrayMaxSize(10_000)
  userIds?: string[];

  @Field(() => AppPasswordFilter, { nullable: true, description: 'Everything matching, e.g. lastUsedBefore 90 days ago.' })
  filter?: AppPasswordFilter;

  @Field(() => String, { description: `Why; kept in each audit event (1–${BULK_REVOKE_REASON_MAX_LENGTH} characters).` })
  @Length(1, BULK_REVOKE_REASON_MAX_LENGTH)
  reason!: string;

  @Field(() => Boolean, { nullable: true, defaultValue: false, description: 'Only count what would be revoked; change nothing.' })
  dryRun?: boolean;
}

@ObjectType({ description: 'What revokeAppPasswords did, or would do.' })
export class RevokeAppPasswordsPayload {
  @Field(() => Int, { description: 'How many were revoked (or would be, in a dry run).' })
  count!: number;

  @Field(() => Boolean, { description: 'True when nothing was revoked because dryRun was asked for.' })
  dryRun!: boolean;
}

@InputType({ description: 'Exactly one of ids or filter. Only app passwords that allow more services than they used in 30 days change.' })
export class LimitAppPasswordsToUsedServicesInput {
  @Field(() => [ID], { nullable: true, description: 'These app passwords (at most 10 000) of your tenant.' })
  @IsOptional()
  @ArrayMaxSize(10_000)
  ids?: string[];

  @Field(() => AppPasswordFilter, { nullable: true, description: 'Everything matching.' })
  filter?: AppPasswordFilter;

  @Field(() => Boolean, { nullable: true, defaultValue: false, description: 'Only count what would change; change nothing.' })
  dryRun?: boolean;
}

@ObjectType({ description: 'What limitAppPasswordsToUsedServices did, or would do.' })
export class LimitAppPasswordsToUsedServicesPayload {
  @Field(() => Int, { description: 'How many app passwords were narrowed (or would be, in a dry run).' })
  count!: number;

  @Field(() => Boolean, { description: 'True when nothing changed because dryRun was asked for.' })
  dryRun!: boolean;
}
