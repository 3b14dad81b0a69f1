import { fileURLToPath } from 'node:url';
import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  plugins: [vue()],
  resolve: { alias: { '@app-passwords/schema': fileURLToPath(new URL('../schema/src/index.ts', import.meta.url)) } },
  test: { environment: 'happy-dom', include: ['src/**/*.test.ts'] },
});
