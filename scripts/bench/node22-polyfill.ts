/**
 * PostGraphile 5 (grafast ≥ 1.0, @dataplan/pg ≥ 1.0, grafserv) declares Node ≥ 22 and
 * calls Promise.withResolvers(), which Node 20 lacks. On Node 20, @dataplan/pg's executor
 * throws a TypeError before it sends any SQL, the step's result stays undefined, and what
 * surfaces is grafast's connection step failing with "Cannot read properties of undefined
 * (reading 'items')". Brygga supports Node ≥ 20.19, and the comparison must run both
 * servers on the same runtime, so the benchmark's PostGraphile process gets the one
 * missing built-in, implemented as the specification describes it. Import this first.
 */
interface WithResolvers<T> {
  promise: Promise<T>;
  resolve: (value: T | PromiseLike<T>) => void;
  reject: (reason?: unknown) => void;
}
const PromiseWithResolvers = Promise as PromiseConstructor & {
  withResolvers?: <T>() => WithResolvers<T>;
};
if (typeof PromiseWithResolvers.withResolvers !== 'function') {
  Object.defineProperty(Promise, 'withResolvers', {
    configurable: true,
    writable: true,
    value: function withResolvers<T>(this: PromiseConstructor): WithResolvers<T> {
      let resolve!: WithResolvers<T>['resolve'];
      let reject!: WithResolvers<T>['reject'];
      const promise = new this<T>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      return { promise, resolve, reject };
    },
  });
}
