import { describeProxySnippet } from '../support/proxy-snippet-suite.js';
import { startCaddy, withAddresses } from '../support/proxies.js';

// Debian's Caddy 2.6 (forward_auth), run from integrations/caddy/Caddyfile.
describeProxySnippet({
  file: 'caddy/Caddyfile',
  start: (snippet, { appPasswords, service }) =>
    startCaddy((port) =>
      withAddresses(snippet, {
        'dav.example.com': `http://127.0.0.1:${port}`,
        '127.0.0.1:4000': appPasswords,
        '127.0.0.1:8080': service,
      }),
    ),
  // forward_auth hands App Passwords' refusal to the client as it is.
  statusWhileAway: 503,
  passesRetryAfter: true,
});
