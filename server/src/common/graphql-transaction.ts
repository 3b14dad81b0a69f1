import type { ApolloServerPlugin, GraphQLRequestListener } from '@apollo/server';
import type { Context } from './context.js';
import { isDatabaseUnavailable } from './database-unavailable.js';

const transactionListener: GraphQLRequestListener<Context> = {
  async didResolveOperation({ operation, contextValue }) {
    if (operation?.operation !== 'query') contextValue.transaction.readSeparately();
  },
  async willSendResponse({ response, contextValue }) {
    const failed = response.body.kind === 'single' && (response.body.singleResult.errors?.length ?? 0) > 0;
    try {
      await contextValue.transaction.end(failed ? 'rollback' : 'commit');
    } catch (error) {
      // Read-only: what the response says was read already, so it stands; the connection is released either way.
      if (isDatabaseUnavailable(error)) contextValue.log.warn('The database went away before the request transaction ended');
      else contextValue.log.error({ err: error }, 'Could not end the request transaction');
    }
  },
};

/**
 * A GraphQL query's resolvers share one read transaction (RequestTransaction),
 * which this ends as the response is ready: COMMIT, or ROLLBACK when the
 * response has errors. A mutation's resolvers read in transactions of their
 * own, after the mutation's own transaction committed.
 */
export const requestTransaction: ApolloServerPlugin<Context> = {
  requestDidStart: async () => transactionListener,
};
