import { createApp } from 'vue';
import urql from '@urql/vue';
import App from './App.vue';
import { client } from './graphql/client';
import { i18n, startLocale, warmFormatters } from './i18n';
import { router } from './router';
import './styles.css';

// Installing the router starts the first navigation (its guard sends the page's request, or takes the answer the
// server put into the page) while a Dutch visitor's messages load; the app shows once they are there, so nobody sees
// English first.
const app = createApp(App).use(i18n).use(router).use(urql, client);
void startLocale().then(() => {
  app.mount('#app');
  // While the page's request is in flight, the page then renders with them ready. (When its answer is in already,
  // the page renders first and makes the ones it needs itself.)
  setTimeout(warmFormatters);
});
