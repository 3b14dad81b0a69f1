import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { Field, ObjectType, registerEnumType } from 'type-graphql';

/** Who may sign in through the provider without having been created here first. */
export enum UserCreation {
  ONLY_PROVISIONED = 'ONLY_PROVISIONED',
  CREATE_ON_FIRST_SIGN_IN = 'CREATE_ON_FIRST_SIGN_IN',
}
registerEnumType(UserCreation, {
  name: 'UserCreation',
  description: 'What happens when someone the provider knows signs in and has no user here yet.',
  valuesConfig: {
    ONLY_PROVISIONED: { description: 'They are refused: only users created here (by an admin, SCIM or the CLI) sign in. The default.' },
    CREATE_ON_FIRST_SIGN_IN: { description: 'A user with the role USER and no password is created at their first sign-in.' },
  },
});

/**
 * The tenant's OpenID Connect provider (one per tenant). The client secret
 * is kept only sealed with a key derived from the server key, and has no
 * GraphQL field: it is write-only.
 */
@Entity({ name: 'identity_providers' })
@ObjectType({ description: "The tenant's OpenID Connect provider for console sign-in. The client secret is write-only and never shown." })
export class IdentityProvider {
  @PrimaryColumn({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @Column({ type: 'text' })
  @Field(() => String, { description: 'The issuer URL; its /.well-known/openid-configuration was checked when saved.' })
  issuer!: string;

  @Column({ name: 'client_id', type: 'text' })
  @Field(() => String, { description: 'The client id this server has at the provider.' })
  clientId!: string;

  /** Sealed (SecretBox, purpose "identity provider client secret"). */
  @Column({ name: 'client_secret', type: 'bytea', select: false })
  clientSecret!: Buffer;

  /** The id of the server key the secret is sealed under (`keys status`); null: saved before ids were kept, filled in at its next use. */
  @Column({ name: 'client_secret_key_id', type: 'text', nullable: true, select: false })
  clientSecretKeyId!: string | null;

  @Column({ name: 'sign_in_claim', type: 'text', default: 'email' })
  @Field(() => String, {
    description: 'The ID token claim holding the sign-in name; `email` (the default) must come with `email_verified: true`.',
  })
  signInClaim!: string;

  @Column({ name: 'display_name', type: 'text' })
  @Field(() => String, { description: 'What the sign-in button says: "Sign in with <displayName>".' })
  displayName!: string;

  @Column({ name: 'accepted_acr_values', type: 'text', array: true, default: () => "'{}'" })
  @Field(() => [String], {
    description: 'ID token `acr` values that count as two-step verification (besides `amr` naming mfa, otp, hwk or swk).',
  })
  acceptedAcrValues!: string[];

  @Column({ name: 'user_creation', type: 'text', default: UserCreation.ONLY_PROVISIONED })
  @Field(() => UserCreation, { description: 'Whether unknown users are created at their first sign-in.' })
  userCreation!: UserCreation;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  @Field(() => Date, { description: 'When the configuration last changed.' })
  updatedAt!: Date;
}
