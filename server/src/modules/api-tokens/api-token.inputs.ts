import { ArrayMinSize, ArrayMaxSize, Length, Max, Min } from 'class-validator';
import { ArgsType, Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { API_TOKEN_DEFAULT_DAYS, API_TOKEN_MAX_DAYS, API_TOKEN_NAME_MAX_LENGTH } from '@app-passwords/schema';
import { ApiScope } from '../../common/context.js';
import { ApiToken } from './api-token.entity.js';

@InputType()
export class CreateApiTokenInput {
  @Field(() => String, { description: `What it is for, e.g. "Nightly stale-password report" (1–${API_TOKEN_NAME_MAX_LENGTH} characters).` })
  @Length(1, API_TOKEN_NAME_MAX_LENGTH)
  name!: string;

  @Field(() => [ApiScope], { description: 'At least one.' })
  @ArrayMinSize(1)
  @ArrayMaxSize(10)
  scopes!: ApiScope[];

  @Field(() => Int, { nullable: true, description: `1–${API_TOKEN_MAX_DAYS} days; default ${API_TOKEN_DEFAULT_DAYS}.` })
  @Min(1)
  @Max(API_TOKEN_MAX_DAYS)
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
