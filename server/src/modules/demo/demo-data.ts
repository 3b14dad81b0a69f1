import type { DataSource } from 'typeorm';
import { randomToken } from '../../common/secure-random.js';
import type { TwoStepService } from '../two-step/two-step.service.js';
import { Tenant } from '../tenants/tenant.entity.js';
import { TenantService } from '../tenants/tenant.service.js';
import { UserService } from '../users/user.service.js';
import { Role } from '../users/user.entity.js';

export interface DemoAccount {
  email: string;
  password: string;
  role: Role;
  /** The admin's authenticator app: the key in base32 and its otpauth:// URI, to add to an app by hand. */
  twoStep?: { secret: string; otpauthUri: string };
}

/**
 * On the very first start (no tenant at all), creates the demo tenant
 * "Contoso" with app passwords switched on (two-step verification optional
 * for them, unlike in a new tenant), an admin and a user, each with a
 * generated password that is returned once for the start-up banner. Admins
 * need two-step verification, as in every tenant, so the admin gets an
 * authenticator app set up, its key returned once beside the password.
 * `db`: the owner, since a tenant is made before anyone of it exists.
 */
export async function seedDemoData(db: DataSource, twoStep: TwoStepService): Promise<DemoAccount[] | null> {
  if ((await db.getRepository(Tenant).count()) > 0) return null;
  // Two-step verification is not required for app passwords here, so the user's side works without an authenticator app at hand.
  const tenant = await new TenantService(db).create('Contoso', { appPasswordsEnabled: true, requireTwoStepForAppPasswords: false });
  const accounts: DemoAccount[] = [
    { email: 'megan@contoso.example', password: randomToken(15), role: Role.TENANT_ADMIN },
    { email: 'adele@contoso.example', password: randomToken(15), role: Role.USER },
  ];
  const names = ['Megan Bowen', 'Adele Vance'];
  const users = new UserService(db);
  for (const [i, account] of accounts.entries()) {
    const user = await users.create({ tenantId: tenant.id, ...account, displayName: names[i] });
    if (account.role === Role.TENANT_ADMIN) account.twoStep = await twoStep.enrollWithoutCode(user, { type: 'system' });
  }
  return accounts;
}
