import { describeProxySnippet } from '../support/proxy-snippet-suite.js';
import { startNginx, withAddresses } from '../support/proxies.js';

// Debian's nginx (auth_request) with the headers-more module, run from integrations/nginx/app-passwords.conf.
describeProxySnippet({
  file: 'nginx/app-passwords.conf',
  start: (snippet, { appPasswords, service }) =>
    startNginx(withAddresses(snippet, { '127.0.0.1:4000': appPasswords, '127.0.0.1:8080': service })),
  // auth_request turns anything but 2xx, 401 and 403 into a 500, and passes on no Retry-After.
  statusWhileAway: 500,
  passesRetryAfter: false,
});
