import { renderGraphiQL } from '@graphql-yoga/render-graphiql';
import type { ExecutionArgs, GraphQLError } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { createYoga, maskError, type YogaLogger } from 'graphql-yoga';
import { WebSocketServer } from 'ws';
import type { Context } from '../../schema/builder.ts';
import { schema } from '../../schema/index.ts';
import type { Logger } from '../logger.ts';
import type { Metrics } from '../metrics.ts';
import { QueryError } from '../state/query.ts';
import { expandSharedData, sharedDataReplacer } from './shared-json.ts';
import { sharedSubscribe } from './shared-subscribe.ts';

const EXAMPLE_QUERY = `# SMART-OS: the live fleet. Try a subscription too:
#   subscription { deviceUpdates { updates { serial values online } left } }
query Fleet {
  devices(orderBy: [{ field: "serial" }], limit: 20) {
    totalCount
    nodes { serial online lastSeen params }
  }
  parameters { name kind }
}
`;

function yogaLogger(log: Logger): YogaLogger {
  const write =
    (level: 'debug' | 'info' | 'warn' | 'error') =>
    (...args: unknown[]) => {
      const err = args.find((a) => a instanceof Error);
      const text = args
        .filter((a) => a !== err)
        .map(String)
        .join(' ');
      if (err) log[level]({ err: rootCause(err) }, text || (err as Error).message);
      else log[level](text);
    };
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') };
}

/** The error a resolver threw, under the GraphQLErrors wrapping it (duck-typed: graphql may load twice). */
function rootCause(error: unknown): unknown {
  let e = error;
  while (typeof e === 'object' && e !== null && 'originalError' in e && e.originalError) e = e.originalError;
  return e;
}

/**
 * Caller mistakes keep their message (returned as they are, so Yoga does not log them as
 * failures); anything else is masked for the client, and Yoga logs the original.
 */
function maskErrors(error: unknown, message: string, isDev?: boolean): Error {
  if (rootCause(error) instanceof QueryError && error instanceof Error) {
    const located = error as Error & { extensions?: Record<string, unknown> };
    if (located.extensions && !Object.isFrozen(located.extensions)) located.extensions.code = 'BAD_USER_INPUT';
    return located;
  }
  return maskError(error, message, isDev);
}

interface Enveloped {
  execute: (args: ExecutionArgs) => unknown;
}

/** GraphQL over HTTP (Yoga, with GraphiQL that works offline) and over graphql-ws, same schema and context. */
export function createGraphQL(context: () => Context, metrics: Metrics, log: Logger) {
  const yoga = createYoga<Record<string, unknown>, Context>({
    schema,
    context,
    graphqlEndpoint: '/graphql',
    graphiql: { title: 'SMART-OS GraphiQL', subscriptionsProtocol: 'WS', defaultQuery: EXAMPLE_QUERY },
    renderGraphiQL,
    landingPage: false,
    logging: yogaLogger(log),
    maskedErrors: { maskError: maskErrors },
  });

  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, maxPayload: 256 * 1024 });
  wss.on('connection', (socket) => {
    metrics.graphqlSockets.inc();
    socket.on('close', () => metrics.graphqlSockets.dec());
    // Registered before graphql-ws's own listener, so every message it sends goes through here.
    const send = socket.send.bind(socket) as (data: unknown, cb?: (err?: Error) => void) => void;
    socket.send = ((data: unknown, cb?: (err?: Error) => void) =>
      send(typeof data === 'string' ? expandSharedData(data) : data, cb)) as typeof socket.send;
  });
  // Yoga's graphql-ws recipe for queries and mutations (envelop plugins and masking apply); subscriptions
  // share one execution among subscribers of the same filter and query (shared-subscribe.ts).
  useServer(
    {
      jsonMessageReplacer: sharedDataReplacer,
      execute: (args) => (args.rootValue as Enveloped).execute(args) as never,
      subscribe: sharedSubscribe((errors) =>
        errors.map((error) => {
          const result = maskErrors(error, 'Unexpected error.');
          if (result !== error) log.error({ err: rootCause(error) }, 'unexpected error in a subscription');
          return result as GraphQLError;
        }),
      ),
      onSubscribe: async (ctx, _id, payload) => {
        const env = yoga.getEnveloped({ ...ctx, req: ctx.extra.request, socket: ctx.extra.socket, params: payload });
        const args = {
          schema: env.schema,
          operationName: payload.operationName,
          document: env.parse(payload.query),
          variableValues: payload.variables,
          contextValue: await env.contextFactory(),
          rootValue: { execute: env.execute } satisfies Enveloped,
        };
        const errors = env.validate(args.schema, args.document);
        return errors.length > 0 ? errors : args;
      },
    },
    wss,
  );
  return { yoga, wss };
}
