import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminTenant, documentationIp, getWith } from '../support/admin.js';
import { basic, checkBasic, createAppPassword } from '../support/app-passwords.js';
import { createUser } from '../support/factories.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ trustedProxies: ['127.0.0.1'] });
});
afterAll(async () => {
  await server?.close();
});

/** How a spreadsheet in a locale whose list separator is `;` (Dutch, German Excel) cuts a CSV file into cells. */
const semicolonCells = (csv: string) => csv.split(/\r\n/).flatMap((line) => line.split(';'));

describe('CSV exports opened in a semicolon locale', () => {
  it('a user agent with a formula after a semicolon stays text: the sign-in export quotes it and defuses the formula', async () => {
    const { tenant, console } = await adminTenant(server);
    const user = await createUser(server.db, tenant);
    const { password } = await createAppPassword(server, user);
    const userAgent = "x;=cmd|' /C calc'!A0";
    expect((await checkBasic(server, basic(user.email, password), { ip: documentationIp(), userAgent })).status).toBe(204);
    await server.app.services.signInLog.flush();

    const response = await getWith(server, `/export/sign-ins.csv?userId=${user.id}`, { cookie: console.cookie });

    expect(response.status).toBe(200);
    const csv = await response.text();
    expect(csv).toContain(`,"x;'=cmd|' /C calc'!A0",`);
    const formulas = semicolonCells(csv).filter((cell) => /^"?[=+\-@]/.test(cell));
    expect(formulas).toEqual([]);
  });
});
