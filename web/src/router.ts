import { createRouter, createWebHistory } from 'vue-router';
import { useSession } from './features/sign-in/useSession';

export const router = createRouter({
  history: createWebHistory(),
  routes: [
    { path: '/', redirect: { name: 'security-info' } },
    { path: '/sign-in', name: 'sign-in', component: () => import('./features/sign-in/SignInPage.vue'), meta: { public: true } },
    { path: '/security-info', name: 'security-info', component: () => import('./features/security-info/SecurityInfoPage.vue') },
    { path: '/:unknown(.*)*', name: 'not-found', component: () => import('./NotFoundPage.vue'), meta: { public: true } },
  ],
});

router.beforeEach(async (to) => {
  const session = useSession();
  await session.ensureLoaded();
  if (to.name === 'sign-in' && session.viewer.value) return { name: 'security-info' };
  if (!to.meta.public && !session.viewer.value) return { name: 'sign-in', query: to.fullPath === '/' ? {} : { next: to.fullPath } };
  return true;
});
