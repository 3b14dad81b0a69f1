import { randomBytes } from 'node:crypto';
import { CompleteSignInDocument, SignInDocument, TenantPolicyDocument } from '@app-passwords/schema';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { GraphQLClient } from '../support/graphql-client.js';
import { recordSecret } from '../support/secrets.js';
import { startServerProcess, stopServerProcesses } from '../support/server-process.js';
import { totpCode } from '../support/two-step.js';
import { withEmptyDatabase } from '../support/databases.js';

afterAll(async () => {
  await stopServerProcesses();
});

describe('the demo tenant at the first start', () => {
  it('requires two-step verification of its admin, who has an authenticator app whose key is printed once beside the password, never logged', async () => {
    await withEmptyDatabase('demo', async (url) => {
      const server = await startServerProcess({ databaseUrl: url, lookupKey: randomBytes(32).toString('hex'), env: { DEMO_DATA: 'true' } });
      const output = server.output();
      const plain = output.split('\n').filter((line) => !line.startsWith('{'));
      const [, email, password] = plain.map((line) => /^ {2}admin {2}(\S+) {2}(\S+)$/.exec(line)).find(Boolean) ?? [];
      const [, secret] = plain.map((line) => /authenticator key ([A-Z2-7]{32}) /.exec(line)).find(Boolean) ?? [];
      recordSecret(password);
      recordSecret(secret);
      expect(email).toBe('megan@contoso.example');
      expect(
        plain.some(
          (line) => line.trim() === `otpauth://totp/App%20Passwords:megan%40contoso.example?secret=${secret}&issuer=App%20Passwords`,
        ),
      ).toBe(true);
      const logLines = output.split('\n').filter((line) => line.startsWith('{'));
      expect(logLines.length).toBeGreaterThan(0);
      expect(logLines.filter((line) => line.includes(secret!) || line.includes(password!))).toEqual([]);

      const client = new GraphQLClient(server.url);
      expect((await client.request(SignInDocument, { input: { email: email!, password: password! } })).data).toMatchObject({
        signIn: { twoStepRequired: true },
      });
      const signedIn = await client.request(CompleteSignInDocument, { input: { code: totpCode(secret!) } });
      expect(signedIn.data?.completeSignIn.viewer).toMatchObject({ email, role: 'TENANT_ADMIN', twoStepRequiredForAdmin: false });
      const policy = await client.request(TenantPolicyDocument);
      expect(policy.data?.tenantPolicy).toMatchObject({
        appPasswordsEnabled: true,
        requireTwoStepForAppPasswords: false,
        requireTwoStepForAdmins: true,
      });
      await server.stop();

      // The key is stored sealed, and its setting up is in the audit trail, without it.
      const db = new pg.Client(url);
      await db.connect();
      try {
        const stored = await db.query(`SELECT row_to_json(t)::text AS row FROM totp_authenticators t`);
        expect(stored.rows).toHaveLength(1);
        expect(stored.rows[0].row).not.toContain(secret);
        const audit = await db.query(`SELECT actor_type, details::text FROM audit_events WHERE action = 'two_step.enabled'`);
        expect(audit.rows).toEqual([{ actor_type: 'system', details: '{}' }]);
      } finally {
        await db.end();
      }
    });
  }, 90_000);
});
