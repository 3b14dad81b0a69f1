import { fileURLToPath } from 'node:url';
import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // esbuild emits no decorator metadata; type-graphql and TypeORM need it.
  plugins: [swc.vite({ tsconfigFile: fileURLToPath(new URL('./tsconfig.json', import.meta.url)) })],
  resolve: {
    alias: {
      // One graphql module for everyone, or "Cannot use GraphQLSchema from another module or realm".
      graphql: 'graphql/index.js',
      '@app-passwords/schema': fileURLToPath(new URL('../schema/src/index.ts', import.meta.url)),
    },
  },
  test: { include: ['src/**/*.test.ts'] },
});
