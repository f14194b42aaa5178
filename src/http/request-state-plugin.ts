import type { ApolloServerPlugin } from '@apollo/server';
import { currentRequest } from './request-context.js';

/** A GraphQL name (the spec's Name), at most 100 characters: anything else is not logged. */
const NAME = /^[_A-Za-z][_0-9A-Za-z]{0,99}$/;

/**
 * Tells the request context (and so every log line and the request metrics) which
 * operation this is, once the document names it, and how it ended: `ok`, or the stable
 * code of the response's first error. Variables are never looked at.
 */
export function requestStatePlugin<C extends object>(): ApolloServerPlugin<C> {
  return {
    async requestDidStart({ request }) {
      const state = currentRequest();
      if (state && request.operationName && NAME.test(request.operationName)) {
        state.operationName = request.operationName;
      }
      return {
        async didResolveOperation({ operationName }) {
          if (state && operationName && NAME.test(operationName))
            state.operationName = operationName;
        },
        async willSendResponse({ response }) {
          if (!state || response.body.kind !== 'single') return;
          const code = response.body.singleResult.errors?.[0]?.extensions?.code;
          state.outcome = response.body.singleResult.errors?.length
            ? typeof code === 'string' && NAME.test(code)
              ? code
              : 'error'
            : 'ok';
        },
      };
    },
  };
}
