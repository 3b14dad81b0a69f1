import { fileURLToPath } from 'node:url';
import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vitest/config';
import { firstRequest } from './vite.config.ts';

export default defineConfig({
  plugins: [vue(), firstRequest()],
  resolve: { alias: { '@app-passwords/schema': fileURLToPath(new URL('../schema/src/index.ts', import.meta.url)) } },
  test: { environment: 'happy-dom', include: ['src/**/*.test.ts'] },
});
