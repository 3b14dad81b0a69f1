import { Field, ID, ObjectType } from 'type-graphql';
import { IdentityProvider } from './identity-provider.entity.js';

@ObjectType({ description: 'An admin who can still sign in with password and two-step verification when password sign-in is off.' })
export class BreakGlassAdmin {
  @Field(() => ID, { description: 'The user id.' })
  id!: string;

  @Field(() => String, { description: 'Their sign-in name.' })
  email!: string;

  @Field(() => String, { description: 'Their display name.' })
  displayName!: string;
}

@ObjectType({ description: "The tenant's single sign-on, as its admins see it." })
export class SingleSignOn {
  @Field(() => IdentityProvider, { nullable: true, description: 'The provider; null while single sign-on is not set up.' })
  identityProvider!: IdentityProvider | null;

  @Field(() => String, { description: 'The redirect URI to register at the provider: PUBLIC_URL followed by /auth/oidc/callback.' })
  redirectUri!: string;

  @Field(() => Boolean, { description: 'The policy passwordSignIn: whether users may still sign in with their password.' })
  passwordSignIn!: boolean;

  @Field(() => [BreakGlassAdmin], {
    description: 'Admins who can sign in with password and two-step verification even while password sign-in is off.',
  })
  breakGlassAdmins!: BreakGlassAdmin[];
}

@ObjectType({ description: 'How a sign-in name signs in to the console; the same answer for every name of a domain.' })
export class SignInOptions {
  @Field(() => String, {
    nullable: true,
    description: 'Where the browser goes to sign in through the organisation’s provider; null: no single sign-on for this domain.',
  })
  singleSignOnUrl!: string | null;

  @Field(() => String, { nullable: true, description: 'The provider’s name for the button ("Sign in with …").' })
  providerName!: string | null;

  @Field(() => Boolean, {
    description:
      'Whether the password form is offered too. False only where the organisation signs in with single sign-on only (its break-glass admins may still use it).',
  })
  passwordSignIn!: boolean;
}
