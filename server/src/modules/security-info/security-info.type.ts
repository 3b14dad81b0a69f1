import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { AppPassword } from '../app-passwords/app-password.entity.js';
import { TwoStepStatus } from '../two-step/two-step.types.js';
import { Service } from '../services/service.type.js';
import { MAX_APP_PASSWORDS_PER_USER } from '@app-passwords/schema';

export enum SignInMethod {
  AUTHENTICATOR_APP = 'AUTHENTICATOR_APP',
  APP_PASSWORD = 'APP_PASSWORD',
}
registerEnumType(SignInMethod, {
  name: 'SignInMethod',
  description: 'A sign-in method a user can add on their security-info page.',
  valuesConfig: {
    AUTHENTICATOR_APP: { description: 'An app that shows a new 6-digit code every 30 seconds, for two-step verification.' },
    APP_PASSWORD: { description: 'A generated password for an app or device that cannot do two-step verification.' },
  },
});

// simpleResolvers: plain properties, no middleware or auth per field (see AppPassword).
@ObjectType({ description: "The signed-in user's sign-in methods, as on their security-info page.", simpleResolvers: true })
export class SecurityInfo {
  @Field(() => [AppPassword], {
    description: 'Oldest first, including expired ones until they are deleted. An app signed in with an app password sees only that one.',
  })
  appPasswords!: AppPassword[];

  @Field(() => Int, { description: 'App passwords that count toward the limit (not expired), of those listed in appPasswords.' })
  appPasswordCount!: number;

  @Field(() => Int, {
    description: `The most app passwords this user may have, set by the tenant (at most ${MAX_APP_PASSWORDS_PER_USER}).`,
  })
  appPasswordLimit!: number;

  @Field(() => TwoStepStatus, { description: 'Your two-step verification.' })
  twoStep!: TwoStepStatus;

  @Field(() => Boolean, { description: 'The organisation allows app passwords (switched on in its policy).' })
  appPasswordsEnabled!: boolean;

  @Field(() => Boolean, {
    description: 'The organisation allows app passwords only for users with two-step verification.',
  })
  appPasswordsRequireTwoStep!: boolean;

  @Field(() => [Service], { description: 'The services a new app password may be used for: those your organisation allows, in its order.' })
  services!: Service[];

  @Field(() => Boolean, { description: 'Your organisation requires new app passwords to name the networks they may be used from.' })
  networksRequired!: boolean;

  @Field(() => Int, {
    nullable: true,
    description: 'The most days a new app password may live (its default expiry); empty: no maximum, it may never expire.',
  })
  maxLifetimeDays!: number | null;

  @Field(() => [SignInMethod], {
    description:
      'Methods the user may add now. AUTHENTICATOR_APP until one is set up. APP_PASSWORD when the tenant allows app passwords ' +
      'and, if it requires two-step verification for them, the user has it.',
  })
  availableMethods!: SignInMethod[];
}
