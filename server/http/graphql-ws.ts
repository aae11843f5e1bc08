import type { IncomingMessage } from 'node:http';
import { type ExecutionArgs, GraphQLError, getOperationAST } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import type { YogaServerInstance } from 'graphql-yoga';
import { type WebSocket, WebSocketServer } from 'ws';
import type { Context } from '../../schema/builder.ts';
import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import type { Metrics } from '../metrics.ts';
import { expandSharedData, sharedDataReplacer } from './shared-json.ts';
import { sharedSubscribe } from './shared-subscribe.ts';
import { SubscriptionCaps } from './subscription-caps.ts';

interface Enveloped {
  execute: (args: ExecutionArgs) => unknown;
}

type Mask = (errors: readonly GraphQLError[]) => GraphQLError[];

/** Largest graphql-ws message, bytes: an operation is small; the query limits bound it further. */
const MAX_MESSAGE_BYTES = 256 * 1024;

/**
 * GraphQL over graphql-ws with Yoga's envelop (parse and validation limits, context, masking), on a
 * WebSocketServer the upgrade dispatch hands sockets to. Subscriptions are capped per socket and user.
 */
export function graphqlWs(
  // biome-ignore lint/suspicious/noExplicitAny: Yoga's server context type is not needed here
  yoga: YogaServerInstance<any, Context>,
  config: Pick<Config, 'maxSubscriptionsPerSocket' | 'maxSubscriptionsPerUser'>,
  metrics: Metrics,
  log: Logger,
  mask: Mask,
  /** At connection_init: whether the socket's credential is acceptable (and remembering it). */
  connect: (socket: WebSocket, req: IncomingMessage, params: Readonly<Record<string, unknown>> | undefined) => Promise<boolean>,
): WebSocketServer {
  const caps = new SubscriptionCaps(config.maxSubscriptionsPerSocket, config.maxSubscriptionsPerUser);
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, maxPayload: MAX_MESSAGE_BYTES });
  wss.on('connection', (socket) => {
    metrics.graphqlSockets.inc();
    socket.on('close', () => {
      metrics.graphqlSockets.dec();
      caps.releaseSocket(socket);
    });
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
      onConnect: (ctx) => connect(ctx.extra.socket, ctx.extra.request, ctx.connectionParams),
      execute: (args) => (args.rootValue as Enveloped).execute(args) as never,
      subscribe: sharedSubscribe(mask),
      onSubscribe: async (ctx, id, payload) => {
        const env = yoga.getEnveloped({ ...ctx, req: ctx.extra.request, socket: ctx.extra.socket, params: payload });
        let document: ReturnType<typeof env.parse>;
        try {
          document = env.parse(payload.query);
        } catch (err) {
          return [err instanceof GraphQLError ? err : new GraphQLError((err as Error).message)];
        }
        const contextValue = (await env.contextFactory()) as unknown as Context;
        const args = {
          schema: env.schema,
          operationName: payload.operationName,
          document,
          variableValues: payload.variables,
          contextValue,
          rootValue: { execute: env.execute } satisfies Enveloped,
        };
        const errors = env.validate(args.schema, args.document);
        if (errors.length > 0) return errors;
        if (getOperationAST(document, payload.operationName)?.operation === 'subscription') {
          const viewer = contextValue.viewer;
          const full = caps.take(ctx.extra.socket, id, viewer ? `user:${viewer.id}` : null);
          if (full) {
            log.debug({ err: full.message }, 'subscription refused');
            return [full];
          }
        }
        return args;
      },
      onComplete: (ctx, id) => caps.release(ctx.extra.socket, id),
      onError: (ctx, id) => caps.release(ctx.extra.socket, id),
    },
    wss,
  );
  return wss;
}
