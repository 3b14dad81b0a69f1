import { ArrayMinSize, ArrayMaxSize, Length } from 'class-validator';
import { ArgsType, Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { ApiScope } from '../../common/context.js';
import { ApiToken } from './api-token.entity.js';

@InputType({ description: 'A new API token; the server generates the secret.' })
export class CreateApiTokenInput {
  @Field(() => String, { description: 'What it is for, e.g. "Nightly stale-password report" (1–64 characters).' })
  @Length(1, 64)
  name!: string;

  @Field(() => [ApiScope], { description: 'At least one.' })
  @ArrayMinSize(1)
  @ArrayMaxSize(10)
  scopes!: ApiScope[];

  @Field(() => Int, { nullable: true, defaultValue: 90, description: 'How long it works, in days: 1–365.' })
  expiresInDays?: number;
}

@ObjectType({ description: 'The created API token, with its secret.' })
export class CreateApiTokenPayload {
  @Field(() => ApiToken, { description: 'The new token, as apiTokens lists it.' })
  apiToken!: ApiToken;

  @Field(() => String, { description: 'The token (apt_…, 256 random bits). Returned only here, never again.' })
  token!: string;
}

@ArgsType()
export class ApiTokenIdArgs {
  @Field(() => ID, { description: 'The API token to revoke.' })
  id!: string;
}

@ObjectType({ description: 'What revokeApiToken did.' })
export class RevokeApiTokenPayload {
  @Field(() => ID, { description: 'The id of the API token that no longer works.' })
  revokedId!: string;
}
