import { loadAdminMessages } from './i18n';

// The admin console's messages, as an admin page has them (the router loads them before one): the unit tests mount
// admin components without the router. i18n.test.ts checks that nothing outside the admin console needs them.
await loadAdminMessages();
