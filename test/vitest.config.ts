import { fileURLToPath } from 'node:url';
import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  plugins: [swc.vite({ tsconfigFile: fileURLToPath(new URL('../server/tsconfig.json', import.meta.url)) })],
  resolve: {
    alias: {
      graphql: 'graphql/index.js',
      '@app-passwords/schema': fileURLToPath(new URL('../schema/src/index.ts', import.meta.url)),
    },
  },
  test: {
    include: ['support/**/*.test.ts', 'integration/**/*.test.ts', 'integrations/**/*.test.ts', 'e2e/**/*.test.ts'],
    globalSetup: ['./support/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
