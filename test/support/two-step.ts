import { generateSync } from 'otplib';
import {
  CompleteSignInDocument,
  ConfirmTwoStepEnrollmentDocument,
  SignInDocument,
  StartTwoStepEnrollmentDocument,
} from '@app-passwords/schema';
import type { DataSource } from 'typeorm';
import { SecretBox } from '../../server/src/common/secret-box.js';
import { keyId } from '../../server/src/common/server-keys.js';
import { newTotpSecret } from '../../server/src/modules/two-step/two-step.secret.js';
import { GraphQLClient } from './graphql-client.js';
import type { TestUser } from './factories.js';
import { recordSecret } from './secrets.js';
import type { TestServer } from './test-server.js';

/** The code an authenticator app with this key shows `steps` periods of 30 s from now. */
export function totpCode(secret: string, steps = 0): string {
  return generateSync({ secret, epoch: Math.floor(Date.now() / 1000) + steps * 30 });
}

/**
 * Waits, when needed, until at least `seconds` remain of the current 30-second
 * step, so a test that sends codes of neighbouring steps finds the server in
 * the same step as its own clock for all of them.
 */
export async function awayFromStepEnd(seconds = 10): Promise<void> {
  const left = 30_000 - (Date.now() % 30_000);
  if (left < seconds * 1000) await new Promise((resolve) => setTimeout(resolve, left + 50));
}

/**
 * Forgets which code was used last, so a test may sign in again within the
 * same 30 seconds. Only for tests that are not about replays.
 */
export async function forgetLastCode(db: DataSource, userId: string): Promise<void> {
  await db.query('UPDATE totp_authenticators SET last_used_time_step = NULL WHERE user_id = $1', [userId]);
}

export interface TwoStep {
  secret: string;
  recoveryCodes: string[];
}

/** Sets up an authenticator app for the client's user, through the API as the console does. */
export async function enrollTwoStep(client: GraphQLClient): Promise<TwoStep> {
  const started = await client.request(StartTwoStepEnrollmentDocument);
  if (started.errors) throw new Error(`startTwoStepEnrollment failed: ${JSON.stringify(started.errors)}`);
  const secret = started.data!.startTwoStepEnrollment.secret;
  const confirmed = await client.request(ConfirmTwoStepEnrollmentDocument, { input: { code: totpCode(secret) } });
  if (confirmed.errors) throw new Error(`confirmTwoStepEnrollment failed: ${JSON.stringify(confirmed.errors)}`);
  return { secret, recoveryCodes: confirmed.data!.confirmTwoStepEnrollment.recoveryCodes };
}

/**
 * Gives the user an authenticator app straight in the table, sealed under the
 * server's key as the server seals it ('totp seed'): no audit event, no
 * sessions ended, no recovery codes. For tests about something else whose
 * admins need two-step verification; `signedInClient` then passes the second
 * step with it.
 */
export async function giveTwoStep(server: Pick<TestServer, 'db' | 'lookupKey'>, user: TestUser): Promise<TestUser> {
  const secret = newTotpSecret();
  recordSecret(secret);
  await server.db.query(
    `INSERT INTO totp_authenticators (user_id, tenant_id, secret_ciphertext, secret_key_id, confirmed_at) VALUES ($1, $2, $3, $4, now())`,
    [user.id, user.tenantId, new SecretBox(server.lookupKey, 'totp seed').seal(secret), keyId(server.lookupKey)],
  );
  return { ...user, twoStep: { secret, recoveryCodes: [] } };
}

/** A client signed in with password and code, as a user with two-step verification does. */
export async function signedInWithTwoStep(server: TestServer, user: TestUser, twoStep: TwoStep): Promise<GraphQLClient> {
  const client = new GraphQLClient(server.url);
  const first = await client.request(SignInDocument, { input: { email: user.email, password: user.password } });
  if (!first.data?.signIn.twoStepRequired) throw new Error(`expected a second step: ${first.body}`);
  await forgetLastCode(server.db, user.id);
  const second = await client.request(CompleteSignInDocument, { input: { code: totpCode(twoStep.secret) } });
  if (second.errors) throw new Error(`completeSignIn failed: ${JSON.stringify(second.errors)}`);
  return client;
}
