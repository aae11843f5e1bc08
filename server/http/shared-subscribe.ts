import { createSourceEventStream, type ExecutionArgs, type ExecutionResult, execute, type GraphQLError, print } from 'graphql';
import { shareData } from './shared-json.ts';

type Mask = (errors: readonly GraphQLError[]) => GraphQLError[];

function masked(result: ExecutionResult, mask: Mask): ExecutionResult {
  return result.errors ? { ...result, errors: mask(result.errors) } : result;
}

type Result = ExecutionResult | Promise<ExecutionResult>;

/** Per source event, the results already computed for each (document, variables). */
const computed = new WeakMap<object, Map<string, Result>>();

/**
 * Subscribe for graphql-ws where subscribers that receive the very same event object (every
 * deviceUpdates subscriber of one filter gets the same batch at each tick) with the same document and
 * variables share one execution: the cost of a tick grows with distinct queries, not with dashboards.
 * Only safe while those types' resolvers ignore the context, which holds for the live types.
 */
export function sharedSubscribe(mask: Mask) {
  return async (args: ExecutionArgs): Promise<AsyncIterableIterator<ExecutionResult> | ExecutionResult> => {
    const source = await createSourceEventStream(args);
    if (!(Symbol.asyncIterator in source)) return masked(source, mask);
    const key = `${args.operationName ?? ''}\u0000${print(args.document)}\u0000${JSON.stringify(args.variableValues ?? null)}`;
    const done = (r: ExecutionResult): ExecutionResult => {
      if (r.data) shareData(r.data);
      return masked(r, mask);
    };
    const run = (event: unknown): Result => {
      const result = execute({ ...args, rootValue: event });
      return result instanceof Promise ? result.then(done) : done(result);
    };
    const resultFor = (event: unknown): Result => {
      if (typeof event !== 'object' || event === null) return run(event);
      let byQuery = computed.get(event);
      if (!byQuery) {
        byQuery = new Map();
        computed.set(event, byQuery);
      }
      let result = byQuery.get(key);
      if (!result) {
        result = run(event);
        byQuery.set(key, result);
      }
      return result;
    };
    const iterator = source[Symbol.asyncIterator]();
    const mapped: AsyncIterableIterator<ExecutionResult> = {
      [Symbol.asyncIterator]() {
        return mapped;
      },
      async next() {
        const step = await iterator.next();
        return step.done ? step : { value: await resultFor(step.value), done: false };
      },
      async return() {
        await iterator.return?.();
        return { value: undefined, done: true };
      },
      async throw(err: unknown) {
        await iterator.return?.();
        throw err;
      },
    };
    return mapped;
  };
}
