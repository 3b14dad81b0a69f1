import type { MigrationInterface, QueryRunner } from 'typeorm';

const OUTCOMES_BEFORE = [
  'SUCCESS',
  'UNKNOWN_USER',
  'WRONG_PASSWORD',
  'EXPIRED',
  'REVOKED',
  'POLICY_OFF',
  'USER_DISABLED',
  'THROTTLED',
  'BUSY',
  'WRONG_CODE',
  'SERVICE_NOT_ALLOWED',
  'NETWORK_NOT_ALLOWED',
];
/** How a sign-in through the identity provider can fail here beyond the outcomes passwords share. */
const SSO_OUTCOMES = ['EMAIL_UNVERIFIED', 'WRONG_ACCOUNT', 'PROVIDER_REFUSED', 'INVALID_PROVIDER_ANSWER'];
const METHODS_BEFORE = ['APP_PASSWORD', 'PASSWORD', 'TWO_STEP_CODE', 'RECOVERY_CODE'];

const quoted = (values: string[]) => values.map((v) => `'${v}'`).join(', ');

/**
 * Single sign-on in the sign-in log and in the key status:
 * - `sign_in_events` accepts the method SINGLE_SIGN_ON (a console sign-in
 *   through the tenant's identity provider) and the outcomes only it has;
 * - `identity_providers.client_secret_key_id`: the id of the server key the
 *   client secret is sealed under, as for authenticator apps, so `keys status`
 *   counts it and it is sealed again under the current key at its next use.
 *   Null for secrets saved before (the server fills it in at their next use).
 */
export class SingleSignOnInSignInLog1798000000000 implements MigrationInterface {
  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      ALTER TABLE sign_in_events
        DROP CONSTRAINT sign_in_events_method_check,
        ADD CONSTRAINT sign_in_events_method_check CHECK (method IN (${quoted([...METHODS_BEFORE, 'SINGLE_SIGN_ON'])})),
        DROP CONSTRAINT sign_in_events_outcome_check,
        ADD CONSTRAINT sign_in_events_outcome_check CHECK (outcome IN (${quoted([...OUTCOMES_BEFORE, ...SSO_OUTCOMES])}))`);
    await db.query('ALTER TABLE identity_providers ADD COLUMN client_secret_key_id text');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE identity_providers DROP COLUMN client_secret_key_id');
    await db.query(`DELETE FROM sign_in_events WHERE method = 'SINGLE_SIGN_ON' OR outcome IN (${quoted(SSO_OUTCOMES)})`);
    await db.query(`
      ALTER TABLE sign_in_events
        DROP CONSTRAINT sign_in_events_method_check,
        ADD CONSTRAINT sign_in_events_method_check CHECK (method IN (${quoted(METHODS_BEFORE)})),
        DROP CONSTRAINT sign_in_events_outcome_check,
        ADD CONSTRAINT sign_in_events_outcome_check CHECK (outcome IN (${quoted(OUTCOMES_BEFORE)}))`);
  }
}
