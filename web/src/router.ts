import { createRouter, type RouteRecordRaw, type RouteLocationNormalized, type Router, type RouterHistory } from 'vue-router';
import SecurityInfoPage from './features/security-info/SecurityInfoPage.vue';
import type { Session } from './features/sign-in/useSession';
import type { Languages } from './i18n';

declare module 'vue-router' {
  interface RouteMeta {
    /** Reachable without signing in. */
    public?: boolean;
    /** Tenant admins only; anyone else is sent to their security info. */
    admin?: boolean;
  }
}

const routes = [
  { path: '/', redirect: { name: 'security-info' } },
  { path: '/sign-in', name: 'sign-in', component: () => import('./features/sign-in/SignInPage.vue'), meta: { public: true } },
  // Signed in with a one-time password from an admin: nothing else until they have chosen their own.
  { path: '/choose-password', name: 'choose-password', component: () => import('./features/sign-in/ChangeOwnPasswordPage.vue') },
  // Where everyone lands after signing in: part of the entry, so that a first visit does not wait for another file.
  { path: '/security-info', name: 'security-info', component: SecurityInfoPage },
  // Admin pages are separate chunks, loaded only when an admin opens them.
  {
    path: '/admin',
    component: () => import('./features/admin/AdminLayout.vue'),
    meta: { admin: true },
    children: [
      { path: '', redirect: { name: 'admin-overview' } },
      { path: 'overview', name: 'admin-overview', component: () => import('./features/admin/OverviewPage.vue') },
      { path: 'policy', name: 'admin-policy', component: () => import('./features/admin/PolicyPage.vue') },
      { path: 'services', name: 'admin-services', component: () => import('./features/admin/ServicesPage.vue') },
      { path: 'users', name: 'admin-users', component: () => import('./features/admin/UsersPage.vue') },
      { path: 'app-passwords', name: 'admin-app-passwords', component: () => import('./features/admin/AppPasswordsPage.vue') },
      { path: 'audit', name: 'admin-audit', component: () => import('./features/admin/AuditPage.vue') },
      { path: 'sign-ins', name: 'admin-sign-ins', component: () => import('./features/admin/SignInsPage.vue') },
      { path: 'api-tokens', name: 'admin-api-tokens', component: () => import('./features/admin/ApiTokensPage.vue') },
      { path: 'single-sign-on', name: 'admin-sso', component: () => import('./features/admin/SingleSignOnPage.vue') },
      { path: 'webhooks', name: 'admin-webhooks', component: () => import('./features/admin/WebhooksPage.vue') },
    ],
  },
  { path: '/:unknown(.*)*', name: 'not-found', component: () => import('./NotFoundPage.vue'), meta: { public: true } },
] satisfies RouteRecordRaw[];

/**
 * Starts loading the destination's page code (lazy chunks) now, so that on a
 * page load it arrives while the guard waits for the session, not after it.
 * The router's own load then gets the same module; it also reports a failure.
 */
function preloadPages(to: RouteLocationNormalized): void {
  for (const record of to.matched) {
    for (const component of Object.values(record.components ?? {})) {
      if (typeof component === 'function') (component as () => Promise<unknown>)().catch(() => {});
    }
  }
}

/**
 * One console app's router: its pages, and the guard that sends whoever may not see a page elsewhere (signed out to
 * sign-in, non-admins away from the admin console), waiting for the session and the messages the page needs.
 */
export function createConsoleRouter(history: RouterHistory, session: Session, languages: Languages): Router {
  const router = createRouter({ history, routes });
  router.beforeEach(async (to) => {
    preloadPages(to);
    // The admin console's messages, in their own file, load while the guard waits; an admin page waits for them.
    const adminMessages = to.meta.admin ? languages.loadAdminMessages() : undefined;
    adminMessages?.catch(() => {}); // a failure reaches the navigation that waits for them, not one sent elsewhere
    // On a page load of /security-info the one request for the viewer also brings the page's data.
    await session.ensureLoaded(to.name === 'security-info');
    const viewer = session.viewer.value;
    if (to.name === 'sign-in' && viewer) return { name: 'security-info' };
    if (!to.meta.public && !viewer) return { name: 'sign-in', query: to.fullPath === '/' ? {} : { next: to.fullPath } };
    if (viewer?.mustChangePassword) return to.name === 'choose-password' ? true : { name: 'choose-password' };
    if (to.name === 'choose-password') return { name: 'security-info' };
    if (to.meta.admin && viewer?.role !== 'TENANT_ADMIN') return { name: 'security-info' };
    // The organisation requires two-step verification of admins: set it up first, then on to where they were going.
    if (to.meta.admin && viewer?.twoStepRequiredForAdmin) return { name: 'security-info', query: { next: to.fullPath } };
    await adminMessages;
    return true;
  });
  return router;
}
