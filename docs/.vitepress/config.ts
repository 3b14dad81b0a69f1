import { defineConfig } from 'vitepress';

/**
 * The documentation site. Pages are grouped by who reads them; the API
 * reference is generated from schema/schema.graphql at each build
 * (scripts/api-reference.ts). A dead internal link fails the build.
 */
export default defineConfig({
  title: 'App Passwords',
  description: 'App passwords for apps that cannot do two-step verification: a GraphQL API and a console.',
  lang: 'en',
  cleanUrls: true,
  lastUpdated: false,
  srcExclude: ['README.md', 'scripts/**'],
  // Every internal link must resolve; localhost addresses are where the reader's own server answers.
  ignoreDeadLinks: 'localhostLinks',
  markdown: { theme: { light: 'github-light', dark: 'github-dark' } },
  themeConfig: {
    nav: [
      { text: 'Users', link: '/users/security-info' },
      { text: 'Tenant admins', link: '/admins/' },
      { text: 'Integrators', link: '/integrators/' },
      { text: 'Operators', link: '/operators/' },
      { text: 'API reference', link: '/reference/' },
    ],
    sidebar: {
      '/users/': [
        {
          text: 'For users',
          items: [
            { text: 'Your security-info page', link: '/users/security-info' },
            { text: 'Signing in to the console', link: '/users/signing-in' },
            { text: 'When an app stops signing in', link: '/users/troubleshooting' },
            { text: 'Notices about your account', link: '/users/notices' },
          ],
        },
      ],
      '/admins/': [
        {
          text: 'For tenant admins',
          items: [
            { text: 'Overview', link: '/admins/' },
            { text: 'Policy', link: '/admins/policy' },
            { text: 'Services and networks', link: '/admins/services' },
            { text: 'Inventory and revocation', link: '/admins/inventory' },
            { text: 'Users', link: '/admins/users' },
            { text: 'Connecting your identity provider', link: '/admins/identity-provider' },
            { text: 'Clean-up and expiry reminders', link: '/admins/cleanup' },
            { text: 'Audit trail and sign-in log', link: '/admins/logs' },
          ],
        },
      ],
      '/integrators/': [
        {
          text: 'For integrators',
          items: [
            { text: 'Overview', link: '/integrators/' },
            { text: 'The GraphQL API by task', link: '/integrators/graphql' },
            { text: 'API tokens and scopes', link: '/integrators/tokens' },
            { text: 'Lists and pagination', link: '/integrators/pagination' },
            { text: 'Errors', link: '/integrators/errors' },
            { text: 'Apps signing in: /auth/basic', link: '/integrators/forward-auth' },
            { text: 'Webhooks', link: '/integrators/webhooks' },
            { text: 'SCIM provisioning', link: '/admins/identity-provider#provisioning-with-scim' },
          ],
        },
      ],
      '/operators/': [
        {
          text: 'For operators',
          items: [
            { text: 'Overview', link: '/operators/' },
            { text: 'Production set-up', link: '/operators/production' },
            { text: 'Scaling out', link: '/operators/scaling' },
            { text: 'Backups', link: '/operators/backups' },
            { text: 'Rotating the server key', link: '/operators/keys' },
            { text: 'Health, metrics and logs', link: '/operators/monitoring' },
            { text: 'Mail notifications', link: '/operators/mail' },
            { text: 'Upgrading', link: '/operators/upgrading' },
            { text: 'The command line', link: '/operators/cli' },
            { text: 'Hardening', link: '/operators/hardening' },
            { text: 'Security checklist', link: '/operators/security' },
          ],
        },
        {
          text: 'Integrations',
          items: [
            { text: 'nginx', link: '/operators/integrations/nginx' },
            { text: 'Caddy', link: '/operators/integrations/caddy' },
            { text: 'Traefik', link: '/operators/integrations/traefik' },
            { text: 'Dovecot (IMAP, POP3, SMTP)', link: '/operators/integrations/dovecot' },
            { text: 'Radicale (CalDAV, CardDAV)', link: '/operators/integrations/radicale' },
          ],
        },
      ],
      '/reference/': [
        {
          text: 'API reference',
          items: [
            { text: 'Overview', link: '/reference/' },
            { text: 'Queries', link: '/reference/queries' },
            { text: 'Mutations', link: '/reference/mutations' },
            { text: 'Object types', link: '/reference/types' },
            { text: 'Input types', link: '/reference/inputs' },
            { text: 'Enums', link: '/reference/enums' },
            { text: 'Scalars', link: '/reference/scalars' },
          ],
        },
      ],
    },
    search: { provider: 'local' },
    outline: [2, 3],
  },
});
