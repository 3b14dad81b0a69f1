import { Field, InputType, Int, ObjectType } from 'type-graphql';
import { MaxLength } from 'class-validator';

// simpleResolvers: plain properties, no middleware or auth per field (see AppPassword).
@ObjectType({ description: "The user's two-step verification: an authenticator app and recovery codes.", simpleResolvers: true })
export class TwoStepStatus {
  @Field(() => Boolean, { description: 'An authenticator app is set up: signing in to the console takes a code after the password.' })
  enabled!: boolean;

  @Field(() => Date, { description: 'When the authenticator app was set up; empty while two-step verification is off.', nullable: true })
  enabledAt!: Date | null;

  @Field(() => Int, { description: 'Unused recovery codes (0 when two-step verification is off).' })
  recoveryCodesLeft!: number;
}

@ObjectType({ description: 'A new authenticator app, waiting for its first code. Shown once; not stored in the clear.' })
export class TwoStepEnrollment {
  @Field(() => String, { description: 'The key in base32, for typing into the app by hand.' })
  secret!: string;

  @Field(() => String, { description: 'The otpauth:// URI the QR code holds.' })
  otpauthUri!: string;

  @Field(() => String, { description: 'The URI as a QR code, an SVG document rendered by the server.' })
  qrCodeSvg!: string;
}

@InputType({ description: 'The first code from the new authenticator app.' })
export class ConfirmTwoStepEnrollmentInput {
  @Field(() => String, { description: 'The 6-digit code the app shows now.' })
  @MaxLength(32)
  code!: string;
}

@ObjectType({ description: 'New recovery codes.' })
export class RecoveryCodesPayload {
  @Field(() => [String], { description: 'Ten single-use recovery codes, shown only in this response. Keep them somewhere safe.' })
  recoveryCodes!: string[];
}

@ObjectType({ description: 'Two-step verification is on.' })
export class ConfirmTwoStepEnrollmentPayload {
  @Field(() => [String], { description: 'Ten single-use recovery codes, shown only in this response. Keep them somewhere safe.' })
  recoveryCodes!: string[];

  @Field(() => Int, {
    description: 'Your other sessions that were signed out: from now on, signing in anywhere takes a code after the password.',
  })
  signedOutSessions!: number;
}

@InputType({ description: 'Options for removing two-step verification.' })
export class RemoveTwoStepVerificationInput {
  @Field(() => Boolean, {
    defaultValue: false,
    description: 'Also delete all your app passwords, which your organisation allows only with two-step verification.',
  })
  deleteAppPasswords!: boolean;
}

@ObjectType({ description: 'Two-step verification is off.' })
export class RemoveTwoStepVerificationPayload {
  @Field(() => Int, { description: 'App passwords deleted with it.' })
  deletedAppPasswords!: number;
}
