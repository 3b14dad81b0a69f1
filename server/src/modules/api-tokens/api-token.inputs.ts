import { ArrayMinSize, ArrayMaxSize, Length } from 'class-validator';
import { ArgsType, Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { ApiScope } from '../../common/context.js';
import { ApiToken } from './api-token.entity.js';

@InputType()
export class CreateApiTokenInput {
  @Field(() => String, { description: 'What it is for, e.g. "Nightly stale-password report" (1–64 characters).' })
  @Length(1, 64)
  name!: string;

  @Field(() => [ApiScope], { description: 'At least one.' })
  @ArrayMinSize(1)
  @ArrayMaxSize(10)
  scopes!: ApiScope[];

  @Field(() => Int, { nullable: true, description: '1–365 days; default 90.' })
  expiresInDays?: number;
}

@ObjectType()
export class CreateApiTokenPayload {
  @Field(() => ApiToken)
  apiToken!: ApiToken;

  @Field(() => String, { description: 'The token (apt_…, 256 random bits). Returned only here, never again.' })
  token!: string;
}

@ArgsType()
export class ApiTokenIdArgs {
  @Field(() => ID)
  id!: string;
}

@ObjectType()
export class RevokeApiTokenPayload {
  @Field(() => ID)
  revokedId!: string;
}
