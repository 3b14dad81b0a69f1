/** A command used wrongly: the CLI prints the reason and USAGE, and exits with 2. */
export class UsageError extends Error {}

/** What `pnpm cli --help` prints: every command of the operator CLI (cli.ts). */
export const USAGE = `Usage: pnpm cli <command>

  tenant create <name>
      Creates a tenant (app passwords start switched off) and prints its id.
  tenant set-policy <tenant> [--app-passwords on|off] [--existing keep|block|revoke] [--max-per-user N]
                             [--require-two-step on|off] [--require-two-step-for-admins on|off]
                             [--revoke-unused-after-days off|N] [--expiry-reminders on|off]
      Switches app passwords on or off for the tenant and sets the per-user limit (1-40).
      When switching off, --existing says what happens to the app passwords users
      already have: keep (they keep working), block (refused until switched on
      again; the default) or revoke (deleted). --require-two-step says whether
      only users with two-step verification may create app passwords (new
      tenants: on). --require-two-step-for-admins says whether admins need
      two-step verification for admin work (new tenants: on).
      --revoke-unused-after-days revokes app passwords not used for N days
      (30-730; never used: since created), each 7 days after its owner was told;
      off keeps them (the default). --expiry-reminders says whether owners are
      told 14 and 3 days before an app password expires (new tenants: on).
  user create <tenant> <email> [--admin] [--name "Display Name"]
      Creates a user. The password is read from standard input when it is not a
      terminal; otherwise one is generated and printed once.
  user reset-two-step <tenant> <email> [--delete-app-passwords]
      For a user locked out of their second factor (an admin too): removes their
      authenticator app and recovery codes and signs them out everywhere; they
      sign in with their password and set up a new app. Where the tenant allows
      app passwords only with two-step verification, their app passwords must go
      with it: --delete-app-passwords.

  keys status
      Shows, for each server key (APP_PASSWORD_LOOKUP_KEY and the previous keys in
      APP_PASSWORD_LOOKUP_KEYS_PREVIOUS), how many app passwords, API tokens,
      authenticator apps and unused recovery codes still depend on it. A previous
      key can go once nothing depends on it.

  seed [--users N] [--app-passwords-per-user N] [--sign-in-events N] [--tenant "Name"]
      Fills a new tenant for scale tests: by default 25 000 users with 40 app
      passwords each (1 000 000) and 1 000 000 sign-in events. Users share one
      generated password, printed once.

<tenant> is the tenant's id or its name.`;
