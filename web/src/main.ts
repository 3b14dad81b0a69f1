import { createApp } from 'vue';
import urql from '@urql/vue';
import App from './App.vue';
import { client } from './graphql/client';
import { i18n, setLocale, warmFormatters } from './i18n';
import { router } from './router';
import './styles.css';

setLocale(i18n.global.locale.value);
createApp(App).use(i18n).use(router).use(urql, client).mount('#app');
// After the router's first navigation has sent its request: the page then renders with them ready.
setTimeout(warmFormatters);
