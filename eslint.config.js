import js from '@eslint/js';
import graphql from '@graphql-eslint/eslint-plugin';
import vue from 'eslint-plugin-vue';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      '**/dist/**',
      'web/dist-ssr/**',
      '**/node_modules/**',
      '.data/**',
      'test/e2e/artifacts/**',
      'schema/src/generated/**',
      'docs/.vitepress/cache/**',
      'docs/reference/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...vue.configs['flat/essential'], // correctness only: Prettier owns formatting
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser } },
  },
  {
    languageOptions: { globals: { ...globals.node }, ecmaVersion: 2023, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // Test helpers parse arbitrary GraphQL responses.
      '@typescript-eslint/no-explicit-any': 'off',
      'vue/multi-word-component-names': 'off',
    },
  },
  {
    // One factory per error code (server/src/common/errors.ts) fixes its HTTP status and extensions.
    files: ['server/src/**/*.ts'],
    ignores: ['server/src/common/errors.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "NewExpression[callee.name='AppError']",
          message: 'Raise errors with the factories in server/src/common/errors.ts (one per code), not new AppError(…).',
        },
      ],
    },
  },
  {
    files: ['web/src/**'],
    languageOptions: { globals: { ...globals.browser } },
  },
  // The SDL integrators read: recommended schema rules plus Relay's connection rules.
  // Only the emitted schema is linted here; the console's operations are checked by codegen.
  {
    files: ['schema/schema.graphql'],
    languageOptions: { parser: graphql.parser, parserOptions: { graphQLConfig: { schema: 'schema/schema.graphql' } } },
    plugins: { '@graphql-eslint': graphql },
    rules: {
      ...graphql.configs['flat/schema-recommended'].rules,
      ...graphql.configs['flat/schema-relay'].rules,
      // Stricter than recommended: every field, argument, input field and enum value says what it is.
      '@graphql-eslint/require-description': [
        'error',
        {
          types: true,
          rootField: true,
          DirectiveDefinition: true,
          FieldDefinition: true,
          InputValueDefinition: true,
          EnumValueDefinition: true,
        },
      ],
      // Exceptions, each for a reason:
      // - Only entities have ids. Connections, edges, payloads and PageInfo are envelopes; the rest are
      //   values that belong to one parent (a day of a chart, the viewer's security info, the tenant's
      //   one policy row, a preview) and are never fetched or cached by id on their own.
      '@graphql-eslint/strict-id-in-types': [
        'error',
        {
          exceptions: {
            suffixes: ['Connection', 'Edge', 'Payload'],
            types: [
              'PageInfo',
              'SignInDay',
              'SecurityInfo',
              'TwoStepStatus',
              'TwoStepEnrollment',
              'TenantPolicy',
              'TenantPolicyChangePreview',
              'UnusedAppPasswordsPreview',
              // Identified by its key within the tenant (`/auth/basic?service=<key>`).
              'Service',
              // A value of one app password's history: its address is what tells it apart.
              'AppPasswordAddress',
              'AffectedAppPasswords',
              // Single sign-on: one provider per tenant, like its policy; the sign-in page's answer for a name.
              'IdentityProvider',
              'SingleSignOn',
              'SignInOptions',
            ],
          },
        },
      ],
      // - Backward paging (last/before) only where a list is newest-first and read both ways (the audit
      //   and sign-in logs). The user list (by name) and the app-password inventory (orderBy, with a
      //   direction) are read forward; last/before there would be a second way to say ASC.
      // - No global Node interface: ids are per type, there is no node(id:) refetch, and nodes need not
      //   implement one. Short, bounded lists (API tokens, scopes, days of a chart, a user's own app
      //   passwords, at most 40) stay plain lists: they are not connections.
      '@graphql-eslint/relay-arguments': ['error', { includeBoth: false }],
      '@graphql-eslint/relay-edge-types': ['error', { shouldImplementNode: false, listTypeCanWrapOnlyEdgeType: false }],
    },
  },
);
