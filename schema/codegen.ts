import type { CodegenConfig } from '@graphql-codegen/cli';

/**
 * What each part of the console asks: the user's own pages (in the entry script every visit fetches) and the admin
 * console (loaded when an admin opens it). The services' fragment is in both.
 */
const parts = {
  console: ['viewer', 'security-info', 'services'],
  admin: ['admin', 'webhooks', 'services'],
};

const scalars = { DateTimeISO: 'string', JSONObject: 'Record<string, unknown>' };

/**
 * The console's operations, typed against the server's SDL. `pnpm --filter @app-passwords/schema codegen`.
 *
 * The types of every operation in one module; each part's documents in a module of their own, so that the console's
 * bundler puts the admin console's documents in the admin pages' chunks, not in the entry script every visit fetches
 * (a module goes to one chunk whole: in one module, all 58 documents were in the entry).
 */
const config: CodegenConfig = {
  schema: 'schema.graphql',
  generates: {
    'src/generated/operations.ts': {
      documents: 'operations/*.graphql',
      plugins: ['typescript-operations'],
      config: { scalars, strictScalars: true, enumsAsTypes: true, useTypeImports: true, onlyOperationTypes: true },
    },
    ...Object.fromEntries(
      Object.entries(parts).map(([part, files]) => [
        `src/generated/documents/${part}.ts`,
        {
          documents: files.map((file) => `operations/${file}.graphql`),
          plugins: [{ add: { content: "import type * as Types from '../operations.js';" } }, 'typed-document-node'],
          config: { scalars, strictScalars: true, useTypeImports: true, importOperationTypesFrom: 'Types' },
        },
      ]),
    ),
  },
};

export default config;
