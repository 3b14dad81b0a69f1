/**
 * A real OpenID Provider (oidc-provider, certified), run by the tests as a
 * process of its own on loopback, configured as an organisation's IdP would
 * be: its own sign-in page over a store of test accounts, PKCE required,
 * consent granted for its clients (first-party apps), the ID token carrying
 * `email`, `email_verified`, `name`, `amr` and `acr` as each account says.
 *
 * One deliberate fault per account, for the checks a relying party must make:
 * `idToken: 'expired'` re-signs the ID token as a provider whose clock is two
 * hours behind would have issued it, `idToken: 'second-client'` as if it was
 * issued to the provider's other client. Both are signed with the provider's
 * own key, so only the claim is wrong.
 *
 * Configuration: JSON in OIDC_TEST_PROVIDER (see OidcTestProviderConfig).
 * Prints one line `{"issuer": …}` on stdout when it listens.
 */
import { createPrivateKey, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider, { type Configuration, type KoaContextWithOIDC } from 'oidc-provider';

export interface TestAccount {
  /** What the login page asks for. */
  login: string;
  password: string;
  email: string;
  emailVerified: boolean;
  name?: string;
  amr?: string[];
  acr?: string;
  idToken?: 'expired' | 'second-client';
}

export interface OidcTestProviderConfig {
  clients: Array<{ clientId: string; clientSecret: string; redirectUris: string[] }>;
  accounts: TestAccount[];
}

const config = JSON.parse(process.env.OIDC_TEST_PROVIDER ?? '{}') as OidcTestProviderConfig;
const accounts = new Map(config.accounts.map((account) => [account.login, account]));

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const jwk = { ...privateKey.export({ format: 'jwk' }), kid: 'test-signing-key', use: 'sig', alg: 'RS256' };

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function loginPage(uid: string, error?: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Test IdP: sign in</title></head>
<body><main><h1>Test IdP</h1><p>Sign in to continue.</p>
${error ? `<p role="alert">${escapeHtml(error)}</p>` : ''}
<form method="post" action="/interaction/${escapeHtml(uid)}/login">
<label>User name <input name="login" autocomplete="username" required></label>
<label>Password <input name="password" type="password" autocomplete="current-password" required></label>
<button type="submit">Sign in</button></form></main></body></html>`;
}

function base64url(value: object | Buffer): string {
  return (Buffer.isBuffer(value) ? value : Buffer.from(JSON.stringify(value))).toString('base64url');
}

/** The ID token with `change` applied to its claims, signed again with the provider's key. */
function resigned(idToken: string, key: KeyObject, change: (claims: Record<string, unknown>) => void): string {
  const [header, payload] = idToken.split('.');
  const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString('utf8')) as Record<string, unknown>;
  change(claims);
  const input = `${header}.${base64url(claims)}`;
  return `${input}.${base64url(sign('sha256', Buffer.from(input), key))}`;
}

const server = http.createServer();
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  const issuer = `http://127.0.0.1:${port}`;
  const configuration: Configuration = {
    clients: config.clients.map((c) => ({
      client_id: c.clientId,
      client_secret: c.clientSecret,
      redirect_uris: c.redirectUris,
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
    })),
    async findAccount(_ctx, sub) {
      const account = accounts.get(sub);
      if (!account) return undefined;
      return {
        accountId: sub,
        async claims() {
          return { sub, email: account.email, email_verified: account.emailVerified, name: account.name ?? account.login };
        },
      };
    },
    // acr and amr with every ID token (through the openid scope), as the IdPs this stands for send them.
    claims: { auth_time: null, iss: null, sid: null, openid: ['sub', 'acr', 'amr'], email: ['email', 'email_verified'], profile: ['name'] },
    // The claims in the ID token itself, as Entra ID, Okta and Keycloak put them there.
    conformIdTokenClaims: false,
    pkce: { required: () => true },
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    jwks: { keys: [jwk as never] },
    cookies: { keys: [randomBytes(32).toString('hex')] },
    // Its own clients are first-party: no consent page, as an organisation's IdP does for its apps.
    async loadExistingGrant(ctx: KoaContextWithOIDC) {
      const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session!.grantIdFor(ctx.oidc.client!.clientId);
      if (grantId) return ctx.oidc.provider.Grant.find(grantId);
      const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client!.clientId, accountId: ctx.oidc.session!.accountId });
      grant.addOIDCScope('openid email profile');
      await grant.save();
      return grant;
    },
    renderError(ctx, out) {
      ctx.type = 'html';
      ctx.body = `<!doctype html><title>Test IdP: error</title><h1>${escapeHtml(String(out.error))}</h1><p>${escapeHtml(String(out.error_description ?? ''))}</p>`;
    },
  };
  const provider = new Provider(issuer, configuration);
  const key = createPrivateKey({ key: jwk as never, format: 'jwk' });
  const secondClient = config.clients[1]?.clientId ?? 'second-client';

  // The per-account faults, applied to the token endpoint's answer.
  provider.use(async (ctx, next) => {
    await next();
    const body = ctx.body as { id_token?: string } | undefined;
    if (ctx.path !== '/token' || !body?.id_token) return;
    const sub = JSON.parse(Buffer.from(body.id_token.split('.')[1]!, 'base64url').toString('utf8')).sub as string;
    const fault = accounts.get(sub)?.idToken;
    if (fault === 'expired') {
      body.id_token = resigned(body.id_token, key, (claims) => {
        claims.iat = (claims.iat as number) - 7200;
        claims.exp = (claims.iat as number) + 600;
      });
    } else if (fault === 'second-client') {
      body.id_token = resigned(body.id_token, key, (claims) => {
        claims.aud = secondClient;
        delete claims.azp;
      });
    }
  });

  const callback = provider.callback();
  server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    const match = /^\/interaction\/([\w-]+)(\/login)?$/.exec(req.url ?? '');
    if (!match) return void callback(req, res);
    void (async () => {
      try {
        const details = await provider.interactionDetails(req, res);
        if (req.method === 'GET') {
          res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(loginPage(details.uid));
          return;
        }
        let raw = '';
        for await (const chunk of req) raw += chunk;
        const form = new URLSearchParams(raw);
        const account = accounts.get(form.get('login') ?? '');
        if (!account || account.password !== form.get('password')) {
          res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(loginPage(details.uid, 'Wrong user name or password.'));
          return;
        }
        await provider.interactionFinished(
          req,
          res,
          { login: { accountId: account.login, amr: account.amr ?? ['pwd'], ...(account.acr ? { acr: account.acr } : {}) } },
          { mergeWithLastSubmission: false },
        );
      } catch (error) {
        res.writeHead(400, { 'content-type': 'text/plain' }).end(`Interaction failed: ${(error as Error).message}`);
      }
    })();
  });
  process.stdout.write(`${JSON.stringify({ issuer })}\n`);
});

process.on('SIGTERM', () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
