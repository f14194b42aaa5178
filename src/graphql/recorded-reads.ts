import { isPlainObject } from '../plain-object.js';

/**
 * What a piece of code read of a request, recorded so that its result can be kept for the
 * next request that holds the same values (src/graphql/plan-cache.ts). The code is handed
 * stand-ins for the request's context and variables that answer every read as the real
 * ones do and write each one down: where it read (a path of property names) and what was
 * there. A result computed from those reads alone is the same for any request where the
 * same paths hold the same values.
 *
 * Only reads a list can repeat are kept: a property holding a primitive, or a plain object
 * read further. Anything else makes the record opaque, and the result is used once and
 * never kept: calling a function of the context (`now()`, a loader), an array or another
 * built-in object (a Date, a Map), a symbol, enumerating keys, `in`, writing. What the code
 * reads from anywhere but these two (the clock, module state) cannot be seen here; the
 * code recorded must not do that (src/graphql/plan-cache.ts says which code that is).
 */

/**
 * Pothos keeps its per-request caches under this key (or, without it, on the context
 * itself: patches/@pothos+core+4.15.1.patch). Reading it decides nothing. A recording answers
 * it with a holder of its own, so the caches made while planning stay with the planning, as
 * they did when the stand-in was their key, and are never written onto the stand-in.
 */
const POTHOS_CONTEXT_CACHE = Symbol.for('Pothos.contextCache');

type Primitive = string | number | boolean | bigint | symbol | null | undefined;

/** A context path read: the value found, or that a plain object was found there. */
export interface ContextRead {
  from: 'context';
  path: readonly string[];
  found: { primitive: Primitive } | 'plain object';
}

/** A variable read: whether the request gave it, and its value as JSON. */
export interface VariableRead {
  from: 'variables';
  name: string;
  given: boolean;
  json: string | undefined;
}

export type Read = ContextRead | VariableRead;

const isPrimitive = (value: unknown): value is Primitive =>
  value === null || (typeof value !== 'object' && typeof value !== 'function');

/** A variable's value as JSON; null for one JSON cannot hold (a BigInt), which never holds. */
function jsonOf(value: unknown): string | undefined | null {
  if (value === undefined) return undefined;
  try {
    return JSON.stringify(value);
  } catch {
    return null;
  }
}

export class ReadRecorder {
  readonly reads: Read[] = [];
  /** Why the reads cannot be repeated, once something was read that a list cannot hold. */
  opaque: string | null = null;
  private readonly revocations: (() => void)[] = [];
  private readonly seen = new Set<string>();
  /** Where Pothos keeps the caches it makes while a plan is being made (POTHOS_CONTEXT_CACHE). */
  private readonly pothosCaches = {};

  /** A stand-in for the request's context that records every read. */
  context<T extends object>(context: T): T {
    return this.objectAt(context, []) as T;
  }

  /** A stand-in for the operation's variables that records every variable read. */
  variables<T extends Record<string, unknown>>(variables: T): T {
    const record = (name: string | symbol) => {
      if (typeof name === 'symbol') return this.refuse('a symbol read of the variables');
      const given = Object.hasOwn(variables, name);
      const json = jsonOf(variables[name]);
      if (json === null) return this.refuse(`variable ${name} has no JSON form`);
      this.note(`v:${name}`, { from: 'variables', name, given, json });
    };
    const { proxy, revoke } = Proxy.revocable<T>(variables, {
      get: (target, name) => {
        record(name);
        return Reflect.get(target, name);
      },
      has: (target, name) => {
        record(name);
        return Reflect.has(target, name);
      },
      getOwnPropertyDescriptor: (target, name) => {
        record(name);
        return Reflect.getOwnPropertyDescriptor(target, name);
      },
      ...(this.refusing(
        ['ownKeys', 'set', 'defineProperty', 'deleteProperty'],
        'the variables',
      ) as ProxyHandler<T>),
    });
    this.revocations.push(revoke);
    return proxy;
  }

  /**
   * Ends the recording: the stand-ins stop answering, so nothing kept can read this
   * request's context or variables later (and they are not held in memory by it).
   */
  finish(): void {
    for (const revoke of this.revocations) revoke();
    this.revocations.length = 0;
  }

  private objectAt(target: object, path: readonly string[]): object {
    const where = path.length > 0 ? `context.${path.join('.')}` : 'the context';
    const { proxy, revoke } = Proxy.revocable(target, {
      get: (object, name) => {
        if (name === POTHOS_CONTEXT_CACHE) return this.pothosCaches;
        const value = Reflect.get(object, name);
        if (typeof name === 'symbol') {
          this.refuse(`a symbol read of ${where}`);
          return value;
        }
        const at = [...path, name];
        if (isPrimitive(value)) {
          this.note(`c:${at.join('.')}`, {
            from: 'context',
            path: at,
            found: { primitive: value },
          });
          return value;
        }
        if (isPlainObject(value)) {
          this.note(`c:${at.join('.')}`, { from: 'context', path: at, found: 'plain object' });
          return this.objectAt(value, at);
        }
        this.refuse(
          `context.${at.join('.')} is a ${typeof value === 'function' ? 'function' : 'built-in or class object'}`,
        );
        return value;
      },
      ...this.refusing(
        ['has', 'ownKeys', 'getOwnPropertyDescriptor', 'set', 'defineProperty', 'deleteProperty'],
        where,
      ),
    });
    this.revocations.push(revoke);
    return proxy;
  }

  /** Traps that answer as the object would but make the record opaque. */
  private refusing(traps: (keyof ProxyHandler<object>)[], where: string): ProxyHandler<object> {
    const handler: ProxyHandler<object> = {};
    for (const trap of traps) {
      const reflect = Reflect[trap as keyof typeof Reflect] as (...args: unknown[]) => unknown;
      (handler as Record<string, unknown>)[trap] = (...args: unknown[]) => {
        this.refuse(`${trap} on ${where}`);
        return reflect(...args);
      };
    }
    return handler;
  }

  private note(key: string, read: Read): void {
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.reads.push(read);
  }

  private refuse(why: string): void {
    this.opaque ??= why;
  }
}

/** Whether `read` finds the same in this request's context and variables. */
export function readHolds(
  read: Read,
  context: object,
  variables: Readonly<Record<string, unknown>>,
): boolean {
  if (read.from === 'variables') {
    const given = Object.hasOwn(variables, read.name);
    return given === read.given && jsonOf(variables[read.name]) === read.json;
  }
  let value: unknown = context;
  for (const name of read.path) {
    if (!isPlainObject(value) && value !== context) return false;
    value = Reflect.get(value as object, name);
  }
  return read.found === 'plain object'
    ? isPlainObject(value)
    : isPrimitive(value) && Object.is(value, read.found.primitive);
}
