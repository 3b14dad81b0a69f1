/**
 * Operations many tests send that the console does not (it asks for more
 * fields): one copy here instead of one per file. Whatever the console sends
 * comes from `@app-passwords/schema` instead.
 */

/** Who the caller is, as little as possible: `{ viewer: { id } }`, or `{ viewer: null }` when signed out. */
export const VIEWER_ID = /* GraphQL */ `
  query {
    viewer {
      id
    }
  }
`;

/** Revokes app passwords and answers only how many: `{ revokeAppPasswords: { count } }`. */
export const REVOKE_COUNT = /* GraphQL */ `
  mutation ($input: RevokeAppPasswordsInput!) {
    revokeAppPasswords(input: $input) {
      count
    }
  }
`;
