import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';

const api = process.env.API_URL ?? 'http://localhost:4000';

export default defineConfig({
  plugins: [vue()],
  server: {
    port: 5173,
    // `pnpm dev`: the console on Vite, the API on the server.
    proxy: Object.fromEntries(['/graphql', '/auth', '/export', '/healthz'].map((p) => [p, api])),
  },
});
