import { ArrayMaxSize, IsOptional, Length, MaxLength } from 'class-validator';
import { BULK_REVOKE_REASON_MAX_LENGTH } from '@app-passwords/schema';
import { ArgsType, Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { connectionTypes, PAGE_SIZE_DESCRIPTION, PageInfo } from '../../common/pagination.js';
import { AppPassword } from './app-password.entity.js';

@ObjectType({ description: 'Whose app password it is.' })
export class AppPasswordOwner {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  email!: string;

  @Field(() => String)
  displayName!: string;
}

export enum AppPasswordOrderField {
  CREATED_AT = 'CREATED_AT',
  LAST_USED_AT = 'LAST_USED_AT',
}
registerEnumType(AppPasswordOrderField, {
  name: 'AppPasswordOrderField',
  valuesConfig: { LAST_USED_AT: { description: 'Never-used app passwords sort as the oldest.' } },
});

export enum OrderDirection {
  ASC = 'ASC',
  DESC = 'DESC',
}
registerEnumType(OrderDirection, { name: 'OrderDirection' });

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

  @Field(() => Date, { nullable: true })
  createdAfter?: Date;

  @Field(() => Date, { nullable: true })
  createdBefore?: Date;

  @Field(() => Date, {
    nullable: true,
    description: 'Last used before this time, e.g. 90 days ago for "not used for 90 days". See includeNeverUsed.',
  })
  lastUsedBefore?: Date;

  @Field(() => Boolean, { nullable: true, description: 'With lastUsedBefore: also match app passwords never used (default true).' })
  includeNeverUsed?: boolean;

  @Field(() => Boolean, { nullable: true, description: 'true: only never used; false: only used at least once.' })
  neverUsed?: boolean;

  @Field(() => Date, { nullable: true, description: 'Expires before this time (app passwords without expiry never match).' })
  expiresBefore?: Date;
}

@InputType()
export class AppPasswordOrder {
  @Field(() => AppPasswordOrderField)
  field!: AppPasswordOrderField;

  @Field(() => OrderDirection)
  direction!: OrderDirection;
}

@ArgsType()
export class AppPasswordsArgs {
  @Field(() => AppPasswordFilter, { nullable: true })
  filter?: AppPasswordFilter;

  @Field(() => AppPasswordOrder, { nullable: true, description: 'Default: newest first. The id breaks ties, so the order is stable.' })
  orderBy?: AppPasswordOrder;

  @Field(() => Int, { nullable: true, description: PAGE_SIZE_DESCRIPTION })
  first?: number;

  @Field(() => String, { nullable: true })
  after?: string;
}

const { Edge } = connectionTypes('AppPassword', AppPassword);

@ObjectType('AppPasswordConnection', { description: "A page of the tenant's app passwords." })
export class AppPasswordConnection {
  @Field(() => [Edge])
  edges!: Array<{ node: AppPassword; cursor: string }>;

  @Field(() => PageInfo)
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

  @Field(() => Boolean, { nullable: true, description: 'Only count what would be revoked; change nothing.' })
  dryRun?: boolean;
}

@ObjectType()
export class RevokeAppPasswordsPayload {
  @Field(() => Int, { description: 'How many were revoked (or would be, in a dry run).' })
  count!: number;

  @Field(() => Boolean)
  dryRun!: boolean;
}
