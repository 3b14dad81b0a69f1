import type { CodegenConfig } from '@graphql-codegen/cli';

/** The console's operations, typed against the server's SDL. `pnpm --filter @app-passwords/schema codegen`. */
const config: CodegenConfig = {
  schema: 'schema.graphql',
  documents: 'operations/*.graphql',
  generates: {
    'src/generated/operations.ts': {
      plugins: ['typescript-operations', 'typed-document-node'],
      config: {
        scalars: { DateTimeISO: 'string', JSONObject: 'Record<string, unknown>' },
        strictScalars: true,
        enumsAsTypes: true,
        useTypeImports: true,
        onlyOperationTypes: true,
      },
    },
  },
};

export default config;
