import { maxAliasesPlugin } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthPlugin } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesPlugin } from '@escape.tech/graphql-armor-max-directives';
import { maxTokensPlugin } from '@escape.tech/graphql-armor-max-tokens';
import { GraphQLError, type ValidationContext } from 'graphql';
import { createComplexityRule, fieldExtensionsEstimator, simpleEstimator } from 'graphql-query-complexity';
import type { Plugin } from 'graphql-yoga';
import type { Config } from '../config.ts';

export type QueryLimits = Pick<Config, 'graphqlMaxCost' | 'graphqlMaxDepth' | 'graphqlMaxAliases' | 'graphqlMaxTokens'>;

/** Directives one operation may use (the dashboard uses a couple of @include). */
const MAX_DIRECTIVES = 50;

const refusal = (message: string) => new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT' } });

/** The limit plugins' refusals come without a code; a client gets BAD_USER_INPUT like for any caller mistake. */
function coded(error: Error): Error {
  // Duck-typed: a plugin may have built its error with another copy of graphql.
  if (!('extensions' in error) || (error as GraphQLError).extensions?.code) return error;
  return new GraphQLError(error.message, {
    nodes: (error as GraphQLError).nodes,
    extensions: { ...(error as GraphQLError).extensions, code: 'BAD_USER_INPUT' },
  });
}

/** Refusals reported as validation errors with their code (rather than thrown out of validation without one). */
const reported = {
  propagateOnRejection: false,
  onReject: [(ctx: ValidationContext | null, error: GraphQLError) => ctx?.reportError(coded(error) as GraphQLError)],
};

const withCodes: Plugin = {
  onParse:
    () =>
    ({ result, replaceParseResult }) => {
      if (result instanceof GraphQLError) replaceParseResult(coded(result));
    },
  onValidate:
    () =>
    ({ result, setResult }) => {
      if (result.length > 0) setResult(result.map(coded));
    },
};

/**
 * What a GraphQL operation may ask before anything runs: tokens (while parsing), depth, aliases,
 * directives, and its cost. The cost counts 1 per field, multiplies what sits under a list by the list's
 * `limit`, and charges history series extra (schema fields say so in their `complexity` extension), so a
 * query that would read thousands of series is refused instead of holding the event loop. Applies to
 * HTTP and to graphql-ws alike (both go through Yoga's envelop).
 */
export function queryLimits(limits: QueryLimits): Plugin[] {
  const cost: Plugin<{ params?: { variables?: Record<string, unknown>; operationName?: string } }> = {
    onValidate({ addValidationRule, context }) {
      addValidationRule(
        createComplexityRule({
          maximumComplexity: limits.graphqlMaxCost,
          variables: context.params?.variables ?? {},
          operationName: context.params?.operationName,
          estimators: [fieldExtensionsEstimator(), simpleEstimator({ defaultComplexity: 1 })],
          createError: (max, actual) =>
            refusal(
              `this query would cost ${actual}, more than the limit of ${max}: ask for fewer items (limit) or fewer history series`,
            ),
        }),
      );
    },
  };
  return [
    withCodes,
    maxTokensPlugin({ n: limits.graphqlMaxTokens }) as Plugin,
    maxDepthPlugin({ n: limits.graphqlMaxDepth, ignoreIntrospection: true, ...reported }) as Plugin,
    maxAliasesPlugin({ n: limits.graphqlMaxAliases, ...reported }) as Plugin,
    maxDirectivesPlugin({ n: MAX_DIRECTIVES, ...reported }) as Plugin,
    cost as Plugin,
  ];
}
