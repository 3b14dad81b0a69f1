import { ArrayMaxSize, IsIn, Length, Matches, MaxLength } from 'class-validator';
import { Field, InputType, ObjectType } from 'type-graphql';
import { BreakGlassAdmin } from './single-sign-on.types.js';
import { IdentityProvider, UserCreation } from './identity-provider.entity.js';

@InputType({ description: "The tenant's OpenID Connect provider. Saving fetches and checks its discovery document first." })
export class ConfigureIdentityProviderInput {
  @Field(() => String, { description: 'The issuer URL exactly as the provider names itself (https; http only on loopback).' })
  @Length(1, 2048)
  issuer!: string;

  @Field(() => String, { description: 'The client id registered at the provider.' })
  @Length(1, 255)
  clientId!: string;

  @Field(() => String, {
    nullable: true,
    description: 'The client secret. Required the first time; leave it out to keep the saved one. Never shown again.',
  })
  @Length(1, 1024)
  clientSecret?: string;

  @Field(() => String, { nullable: true, description: 'The ID token claim holding the sign-in name. Default: email.' })
  @Matches(/^[A-Za-z0-9_.:-]{1,100}$/, { message: 'signInClaim is a claim name: letters, digits and _ . : -' })
  signInClaim?: string;

  @Field(() => String, { description: 'What the sign-in button says: "Sign in with <displayName>" (1–80 characters).' })
  @Length(1, 80)
  displayName!: string;

  @Field(() => [String], {
    nullable: true,
    description: 'ID token acr values that count as two-step verification. Default: none (amr alone decides).',
  })
  @ArrayMaxSize(20)
  @MaxLength(255, { each: true })
  acceptedAcrValues?: string[];

  @Field(() => UserCreation, { nullable: true, description: 'Default ONLY_PROVISIONED.' })
  @IsIn(Object.values(UserCreation))
  userCreation?: UserCreation;
}

@ObjectType({ description: 'The provider as saved.' })
export class ConfigureIdentityProviderPayload {
  @Field(() => IdentityProvider, { description: 'The saved configuration (without the secret).' })
  identityProvider!: IdentityProvider;
}

@ObjectType({ description: 'Single sign-on was removed.' })
export class RemoveIdentityProviderPayload {
  @Field(() => Boolean, { description: 'Whether there was a provider to remove.' })
  removed!: boolean;
}

export { BreakGlassAdmin };
