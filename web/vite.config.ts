import { fileURLToPath } from 'node:url';
import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vite';

const api = process.env.API_URL ?? 'http://localhost:4000';

export default defineConfig({
  plugins: [vue()],
  resolve: {
    // Compile the shared package from source: no build step between an SDL change and the console.
    alias: { '@app-passwords/schema': fileURLToPath(new URL('../schema/src/index.ts', import.meta.url)) },
  },
  server: {
    port: 5173,
    // `pnpm dev`: the console on Vite, the API on the server.
    proxy: Object.fromEntries(['/graphql', '/auth', '/export', '/healthz'].map((p) => [p, api])),
  },
});
