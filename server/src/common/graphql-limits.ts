import { ApolloArmor } from '@escape.tech/graphql-armor';
import { GraphQLError, type ParseOptions, type ValidationContext, type ValidationRule } from 'graphql';

/**
 * How big a GraphQL document may be. The console's largest operations reach
 * depth 5, 4 aliases, no directives, a cost under 90 and about 105 tokens
 * (with the `__typename` fields urql adds); a page of 200 rows with every field,
 * `first` written into the query, costs about 13 300.
 * `first` passed as a variable is not seen by the cost (validation runs once per
 * document, without variables); every list caps it at 200.
 */
export const GRAPHQL_LIMITS = {
  /** Nesting of fields; fragments count as what they expand to. This schema has no cycles: real queries stop at 5. */
  maxDepth: 8,
  /** Aliased fields in one operation: each can repeat an expensive root field. */
  maxAliases: 10,
  /** Directives (`@include`, `@skip`) in one operation. */
  maxDirectives: 10,
  /** graphql-armor's cost: fields weighted by depth (×1.5 a level) and by a literal `first`. */
  maxCost: 20_000,
  /** Lexical tokens in the document, counted by the parser, which stops there. Long id lists belong in variables. */
  maxTokens: 1_000,
} as const;

export type GraphQLLimits = { [K in keyof typeof GRAPHQL_LIMITS]: number };

/**
 * Apollo options enforcing the limits. Depth, aliases, directives and cost are
 * validation rules (graphql-armor), so they run once per distinct document:
 * Apollo caches validated documents. The token limit is graphql-js's own and
 * stops the parser as soon as it is passed. A refused document answers 400
 * with BAD_USER_INPUT (formatError) and a message naming the limit.
 */
export function graphqlLimits(limits: GraphQLLimits = GRAPHQL_LIMITS): { validationRules: ValidationRule[]; parseOptions: ParseOptions } {
  // armor prefixes its messages with "Syntax Error:"; the query is well-formed, only too big.
  const report = {
    propagateOnRejection: false,
    onReject: [
      (context: ValidationContext | null, error: GraphQLError) =>
        context?.reportError(new GraphQLError(error.message.replace(/^Syntax Error: /, ''))),
    ],
  };
  const { validationRules } = new ApolloArmor({
    maxDepth: { n: limits.maxDepth, flattenFragments: true, ...report },
    maxAliases: { n: limits.maxAliases, ...report },
    maxDirectives: { n: limits.maxDirectives, ...report },
    costLimit: { maxCost: limits.maxCost, flattenFragments: true, ...report },
    // Replaced by the parser's own limit below, which needs no second parse.
    maxTokens: { enabled: false },
    // Apollo's hideSchemaDetailsFromClientErrors does this, driven by config.
    blockFieldSuggestion: { enabled: false },
  }).protect();
  return { validationRules, parseOptions: { maxTokens: limits.maxTokens } };
}
