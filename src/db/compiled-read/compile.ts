import { isPlainObject } from '../../plain-object.js';
import type { ReadModel, RelationField, ScalarField } from './read-model.js';

/**
 * A Prisma find (`findMany`, `findFirst`) as one SQL statement of our own: the rows and
 * every selected relation built as one JSON document per row by PostgreSQL, which pg
 * parses natively, so the read costs neither Prisma Client's per-call work (serializing
 * the arguments, rendering its SQL template, mapping every value of the answer) nor
 * PostgreSQL's binary JSON (`JSONB_BUILD_OBJECT`, which Prisma's relation joins use).
 * The answer is what Prisma Client gives for the same arguments: the keys selected, Dates
 * for DateTime, Decimals, BigInts; test/integration/compiled-read.int.test.ts holds the
 * two side by side.
 *
 * It compiles the part of Prisma's query language the hot reads use: `select` and
 * `include` to any depth; relations' `where`, `orderBy`, `take` and `skip`; filters by
 * equality, `in`, comparison, null and not null, `AND` and `OR`, and relation filters
 * (`some`, `none`, `is`). For anything else (`cursor`, `distinct`, `_count`, `NOT`, text
 * search, filters on JSON or lists, ordering by a relation) it answers `null` and the
 * caller asks Prisma: a read is compiled or left to Prisma, never half understood.
 *
 * Values are always parameters; the text depends only on the shape of the arguments, so
 * one shape is one text, prepared once per connection (src/db/statement-names.ts), and
 * compiled once per process (`findCompiler`).
 */
export interface CompiledRead {
  text: string;
  values: unknown[];
  /** Where in the arguments each of `values` was found, for the next read of this shape. */
  sources: Source[];
  /** The rows come in reverse (a negative `take`): the caller turns them around. */
  backwards: boolean;
  /** Turns one row's JSON (as pg parsed it) into Prisma's answer, in place. */
  decode: (row: Record<string, unknown>) => Record<string, unknown>;
}

/** What the arguments ask that this compiler does not do: the read goes to Prisma. */
class NotCompiled extends Error {}

/** Decimals are built by the caller's Decimal class (Prisma's), given to the compiler. */
export type DecimalClass = new (value: string) => unknown;

type Args = Record<string, unknown>;

/** Where a parameter's value is in the arguments: its path, or a constant of the shape. */
type Path = readonly (string | number)[];
type Source = { path: Path; negate?: boolean } | { constant: unknown };

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** json_build_object takes at most 100 arguments: 50 keys. */
const MAX_KEYS = 50;

export function compileFind(
  readModel: ReadModel,
  Decimal: DecimalClass,
  model: string,
  args: Args,
  first: boolean,
): CompiledRead | null {
  try {
    return new Compiler(readModel, Decimal).root(model, args, first);
  } catch (error) {
    if (error instanceof NotCompiled) return null;
    throw error;
  }
}

/**
 * `compileFind` with what it compiled kept per shape of the arguments: a read of a shape
 * seen before takes the statement, the decoding and where each parameter's value is, and
 * reads only the values from the new arguments. Pothos plans a new arguments object for
 * every request, the same shape for the same selection, so compiling costs once per shape
 * (about 100 µs for the case in full detail) instead of on every read. Shapes it does not
 * compile are kept too. `limit` bounds the shapes a process keeps; past it, a new shape is
 * compiled on every read.
 */
export function findCompiler(
  readModel: ReadModel,
  Decimal: DecimalClass,
  limit = 500,
): (model: string, args: Args, first: boolean) => CompiledRead | null {
  const shapes = new Map<string, CompiledRead | null>();
  return (model, args, first) => {
    const shape = shapeOf(args);
    const key = shape === null ? null : `${model}${first ? '!' : '*'}${shape}`;
    const known = key === null ? undefined : shapes.get(key);
    if (known === null) return null;
    if (known) return { ...known, values: known.sources.map((source) => valueAt(args, source)) };
    const read = compileFind(readModel, Decimal, model, args, first);
    if (key !== null && shapes.size < limit) shapes.set(key, read);
    return read;
  };
}

function valueAt(args: Args, source: Source): unknown {
  if ('constant' in source) return source.constant;
  let value: unknown = args;
  for (const step of source.path) value = (value as Record<string | number, unknown>)[step];
  return source.negate ? -(value as number) : value;
}

/**
 * The shape of arguments: everything the compiler decides by (keys, nesting, nulls,
 * booleans, which kind of value, a number's sign, the words of an order), nothing a
 * parameter carries. Two
 * arguments of one shape compile to the same statement with their values at the same
 * paths. Null when a key could make two shapes read alike (it is no identifier, and the
 * compiler refuses such a key anyway): such arguments are compiled every time.
 */
function shapeOf(value: unknown): string | null {
  switch (typeof value) {
    case 'string':
      return 's';
    case 'number':
      return !Number.isInteger(value) ? 'f' : value > 0 ? '+' : value === 0 ? '0' : '-';
    case 'boolean':
      return value ? 'T' : 'F';
    case 'undefined':
      return 'u';
    case 'bigint':
      return 'i';
    case 'object':
      break;
    default:
      return 'x';
  }
  if (value === null) return 'n';
  if (value instanceof Date) return 'd';
  if (Array.isArray(value)) {
    // A list of strings is one parameter (`in`), whatever its length; an empty list is a
    // shape of its own (an empty `OR` is false, an empty `AND` true).
    if (value.length > 0 && value.every((v) => typeof v === 'string')) return 'S';
    let shape = '[';
    for (const v of value) {
      const inner = shapeOf(v);
      if (inner === null) return null;
      shape += `${inner},`;
    }
    return `${shape}]`;
  }
  if (!isPlainObject(value)) return 'o';
  let shape = '{';
  for (const key of Object.keys(value)) {
    if (!IDENTIFIER.test(key)) return null;
    const inner = key === 'orderBy' ? orderShape(value[key]) : shapeOf(value[key]);
    if (inner === null) return null;
    shape += `${key}:${inner},`;
  }
  return `${shape}}`;
}

/**
 * An `orderBy` as it is: its words (`asc`, `desc`, `first`, `last`) are the statement's
 * own, not parameters, so two orders are two shapes. Null when it is no JSON (the
 * compiler refuses such an order anyway).
 */
function orderShape(orderBy: unknown): string | null {
  try {
    return JSON.stringify(orderBy) ?? 'u';
  } catch {
    return null;
  }
}

function refuse(what: string): never {
  throw new NotCompiled(what);
}

/** A value a parameter takes: what pg sends as text, never an object it would serialize. */
const isValue = (v: unknown) =>
  typeof v === 'string' ||
  typeof v === 'number' ||
  typeof v === 'boolean' ||
  typeof v === 'bigint' ||
  v instanceof Date;

const quote = (name: string) => {
  if (!IDENTIFIER.test(name)) refuse(`identifier ${name}`);
  return `"${name}"`;
};

/** How one key of an answer object turns from JSON into Prisma's value. */
type Step = (object: Record<string, unknown>) => void;

class Compiler {
  private readonly values: unknown[] = [];
  private readonly sources: Source[] = [];
  private aliases = 0;

  constructor(
    private readonly readModel: ReadModel,
    private readonly Decimal: DecimalClass,
  ) {}

  root(model: string, args: Args, first: boolean): CompiledRead {
    for (const key of Object.keys(args)) {
      if (!['select', 'include', 'where', 'orderBy', 'take', 'skip'].includes(key)) refuse(key);
    }
    const alias = this.alias();
    const table = this.table(model);
    const object = this.object(model, args, alias, []);
    const where =
      args.where === undefined ? 'TRUE' : this.where(model, args.where, alias, ['where']);
    // A negative `take` is Prisma's last rows (a page backwards): the order reversed, the
    // rows taken from its start, and given back in the order asked.
    const backwards = !first && typeof args.take === 'number' && args.take < 0;
    const order = this.orderBy(model, args.orderBy, alias, backwards);
    if (backwards && order.length === 0) refuse('negative take without an order');
    const text = `SELECT ${object.sql} AS r FROM ${table} AS ${alias} WHERE ${where}${
      order.length ? ` ORDER BY ${order.map((o) => o.sql).join(', ')}` : ''
    }${this.window(args.take, args.skip, [], first, backwards)}`;
    const steps = object.steps;
    return {
      text,
      values: this.values,
      sources: this.sources,
      backwards,
      decode: (row) => {
        for (const step of steps) step(row);
        return row;
      },
    };
  }

  private alias() {
    return `t${this.aliases++}`;
  }

  /** A parameter of `value`, found in the arguments at `source` (see Source). */
  private parameter(value: unknown, source: Source): string {
    this.values.push(value);
    this.sources.push(source);
    return `$${this.values.length}`;
  }

  private model(name: string) {
    const model = this.readModel[name];
    if (!model) refuse(`model ${name}`);
    return model;
  }

  private table(name: string) {
    return `"public".${quote(this.model(name).table)}`;
  }

  private scalar(model: string, name: string): ScalarField {
    const field = this.model(model).fields[name];
    if (!field || 'relation' in field) refuse(`scalar ${model}.${name}`);
    return field;
  }

  private relation(model: string, name: string): RelationField | undefined {
    const field = this.model(model).fields[name];
    return field && 'relation' in field ? field : undefined;
  }

  /**
   * `LIMIT`/`OFFSET` from Prisma's `take` and `skip` at `path`, as parameters; `first` takes
   * one row, `backwards` the number a negative `take` asks.
   */
  private window(
    take: unknown,
    skip: unknown,
    path: Path,
    first = false,
    backwards = false,
  ): string {
    let sql = '';
    if (first) {
      sql += ` LIMIT ${this.parameter(1, { constant: 1 })}`;
    } else if (take !== undefined) {
      const count = backwards ? -(take as number) : take;
      if (!Number.isInteger(count) || (count as number) < 0) refuse('take');
      sql += ` LIMIT ${this.parameter(count, { path: [...path, 'take'], negate: backwards })}`;
    }
    if (skip !== undefined && skip !== 0) {
      if (!Number.isInteger(skip) || (skip as number) < 0) refuse('skip');
      sql += ` OFFSET ${this.parameter(skip, { path: [...path, 'skip'] })}`;
    }
    return sql;
  }

  /**
   * The JSON object of one row of `model` (alias `alias`) with what `args` selects, and the
   * steps that turn its values into Prisma's.
   */
  private object(
    model: string,
    args: Args,
    alias: string,
    path: Path,
  ): { sql: string; steps: Step[] } {
    const { select, include } = args;
    if (select !== undefined && include !== undefined) refuse('select and include');
    const fields = this.model(model).fields;
    const chosen: [string, unknown][] = [];
    const level = select !== undefined ? 'select' : 'include';
    if (isPlainObject(select)) {
      for (const [key, value] of Object.entries(select)) if (value) chosen.push([key, value]);
    } else if (select !== undefined) {
      refuse('select');
    } else {
      for (const [key, field] of Object.entries(fields))
        if (!('relation' in field)) chosen.push([key, true]);
      if (isPlainObject(include)) {
        for (const [key, value] of Object.entries(include)) if (value) chosen.push([key, value]);
      } else if (include !== undefined) {
        refuse('include');
      }
    }
    if (chosen.length === 0 || chosen.length > MAX_KEYS) refuse('selection size');
    const parts: string[] = [];
    const steps: Step[] = [];
    for (const [key, value] of chosen) {
      if (!IDENTIFIER.test(key)) refuse(`key ${key}`);
      const relation = this.relation(model, key);
      if (relation) {
        if (value !== true && !isPlainObject(value)) refuse(`select ${key}`);
        const nested = this.related(relation, value === true ? {} : value, alias, [
          ...path,
          level,
          key,
        ]);
        parts.push(`'${key}', ${nested.sql}`);
        const inner = nested.steps;
        if (inner.length > 0) steps.push(relationStep(key, relation.list, inner));
        continue;
      }
      if (value !== true) refuse(`select ${key}`);
      const field = this.scalar(model, key);
      const column = `${alias}.${quote(field.column)}`;
      const scalar = scalarOf(field, this.Decimal);
      parts.push(`'${key}', ${scalar.cast ? `${column}::${scalar.cast}` : column}`);
      if (scalar.decode) steps.push(valueStep(key, field.list, scalar.decode));
    }
    return { sql: `json_build_object(${parts.join(', ')})`, steps };
  }

  /** A selected relation: a subquery giving its object (or null), or its array. */
  private related(
    field: RelationField,
    args: Args,
    parent: string,
    path: Path,
  ): { sql: string; steps: Step[] } {
    const allowed = field.list
      ? ['select', 'include', 'where', 'orderBy', 'take', 'skip']
      : ['select', 'include'];
    for (const key of Object.keys(args)) if (!allowed.includes(key)) refuse(`relation ${key}`);
    const alias = this.alias();
    const object = this.object(field.relation, args, alias, path);
    const join = this.join(field, parent, alias);
    const table = this.table(field.relation);
    if (!field.list) {
      return {
        sql: `(SELECT ${object.sql} FROM ${table} AS ${alias} WHERE ${join})`,
        steps: object.steps,
      };
    }
    const where =
      args.where === undefined
        ? ''
        : ` AND ${this.where(field.relation, args.where, alias, [...path, 'where'])}`;
    const order = this.orderBy(field.relation, args.orderBy, alias);
    const rows = this.alias();
    const kept = order.map((o, i) => `${o.column} AS o${i}`);
    const inner = `SELECT ${[`${object.sql} AS j`, ...kept].join(', ')} FROM ${table} AS ${alias} WHERE ${join}${where}${
      order.length ? ` ORDER BY ${order.map((o) => o.sql).join(', ')}` : ''
    }${this.window(args.take, args.skip, path)}`;
    // The aggregate orders by the kept columns itself: a subquery's order is not promised
    // to survive into an aggregate.
    const aggregateOrder = order.length
      ? ` ORDER BY ${order.map((o, i) => `${rows}.o${i}${o.suffix}`).join(', ')}`
      : '';
    return {
      sql: `(SELECT coalesce(json_agg(${rows}.j${aggregateOrder}), '[]'::json) FROM (${inner}) AS ${rows})`,
      steps: object.steps,
    };
  }

  private join(field: RelationField, parent: string, alias: string): string {
    if (field.local.length === 0 || field.local.length !== field.remote.length) refuse('join');
    return field.local
      .map((local, i) => `${alias}.${quote(field.remote[i]!)} = ${parent}.${quote(local)}`)
      .join(' AND ');
  }

  /** Prisma's `orderBy`; `reversed` turns every direction and nulls' place around. */
  private orderBy(model: string, orderBy: unknown, alias: string, reversed = false) {
    if (orderBy === undefined) return [];
    const list = Array.isArray(orderBy) ? orderBy : [orderBy];
    return list.map((entry) => {
      if (!isPlainObject(entry)) refuse('orderBy');
      const keys = Object.keys(entry);
      if (keys.length !== 1) refuse('orderBy keys');
      const key = keys[0]!;
      const field = this.scalar(model, key);
      if (field.list || field.type === 'Json') refuse('orderBy type');
      const value = entry[key];
      let sort: unknown = value;
      let nulls: unknown;
      if (isPlainObject(value)) {
        sort = value.sort;
        nulls = value.nulls;
        if (Object.keys(value).some((k) => k !== 'sort' && k !== 'nulls')) refuse('orderBy option');
      }
      if (sort !== 'asc' && sort !== 'desc') refuse('orderBy direction');
      if (nulls !== undefined && nulls !== 'first' && nulls !== 'last') refuse('orderBy nulls');
      // Reversed, PostgreSQL's default places of nulls (last ascending, first descending)
      // turn with the direction; a place asked for is turned explicitly.
      const ascending = (sort === 'asc') !== reversed;
      const nullsFirst = nulls === undefined ? undefined : (nulls === 'first') !== reversed;
      const suffix = `${ascending ? ' ASC' : ' DESC'}${
        nullsFirst === undefined ? '' : nullsFirst ? ' NULLS FIRST' : ' NULLS LAST'
      }`;
      const column = `${alias}.${quote(field.column)}`;
      return { column, suffix, sql: `${column}${suffix}` };
    });
  }

  /** A Prisma `where` of `model` as a condition on the row `alias`. */
  private where(model: string, where: unknown, alias: string, path: Path): string {
    if (!isPlainObject(where)) refuse('where');
    const conditions: string[] = [];
    for (const [key, value] of Object.entries(where)) {
      if (value === undefined) continue;
      const at = [...path, key];
      if (key === 'AND') {
        if (Array.isArray(value)) {
          conditions.push(...value.map((w, i) => this.where(model, w, alias, [...at, i])));
        } else {
          conditions.push(this.where(model, value, alias, at));
        }
      } else if (key === 'OR') {
        if (!Array.isArray(value)) refuse('OR');
        const any = value.map((w, i) => this.where(model, w, alias, [...at, i]));
        conditions.push(any.length === 0 ? 'FALSE' : `(${any.join(' OR ')})`);
      } else {
        const relation = this.relation(model, key);
        conditions.push(
          relation
            ? this.relationFilter(relation, value, alias, at)
            : this.scalarFilter(model, key, value, alias, at),
        );
      }
    }
    return conditions.length === 0
      ? 'TRUE'
      : conditions.length === 1
        ? conditions[0]!
        : `(${conditions.join(' AND ')})`;
  }

  private relationFilter(
    field: RelationField,
    filter: unknown,
    parent: string,
    path: Path,
  ): string {
    if (!isPlainObject(filter)) refuse('relation filter');
    const keys = Object.keys(filter).filter((k) => filter[k] !== undefined);
    const exists = (where: unknown, at: Path) => {
      const alias = this.alias();
      return `EXISTS (SELECT 1 FROM ${this.table(field.relation)} AS ${alias} WHERE ${this.join(field, parent, alias)} AND ${this.where(field.relation, where, alias, at)})`;
    };
    if (field.list) {
      if (keys.length !== 1) refuse('relation filter keys');
      if (keys[0] === 'some') return exists(filter.some, [...path, 'some']);
      if (keys[0] === 'none') return `NOT ${exists(filter.none, [...path, 'none'])}`;
      refuse(`relation filter ${keys[0]}`);
    }
    if (keys.length === 1 && keys[0] === 'is' && isPlainObject(filter.is)) {
      return exists(filter.is, [...path, 'is']);
    }
    if (keys.includes('is') || keys.includes('isNot')) refuse('relation filter is');
    return exists(filter, path);
  }

  private scalarFilter(
    model: string,
    key: string,
    filter: unknown,
    alias: string,
    path: Path,
  ): string {
    const field = this.scalar(model, key);
    if (field.list || field.type === 'Json' || field.type === 'Bytes') refuse(`filter on ${key}`);
    const column = `${alias}.${quote(field.column)}`;
    if (filter === null) return `${column} IS NULL`;
    if (!isPlainObject(filter)) {
      if (!isValue(filter)) refuse(`value of ${key}`);
      return `${column} = ${this.parameter(filter, { path })}`;
    }
    const conditions: string[] = [];
    for (const [operator, value] of Object.entries(filter)) {
      if (value === undefined) continue;
      const at = { path: [...path, operator] };
      switch (operator) {
        case 'equals':
          if (value !== null && !isValue(value)) refuse(`value of ${key}`);
          conditions.push(
            value === null ? `${column} IS NULL` : `${column} = ${this.parameter(value, at)}`,
          );
          break;
        case 'not':
          if (value !== null) refuse('not a value');
          conditions.push(`${column} IS NOT NULL`);
          break;
        case 'in':
          if (!Array.isArray(value) || !value.every(isValue)) refuse('in');
          conditions.push(`${column} = ANY(${this.parameter(value, at)})`);
          break;
        case 'lt':
        case 'lte':
        case 'gt':
        case 'gte': {
          if (!isValue(value)) refuse(`comparison of ${key}`);
          const sign = { lt: '<', lte: '<=', gt: '>', gte: '>=' }[operator];
          conditions.push(`${column} ${sign} ${this.parameter(value, at)}`);
          break;
        }
        default:
          refuse(`operator ${operator}`);
      }
    }
    return conditions.length === 0 ? 'TRUE' : conditions.join(' AND ');
  }
}

/** How a scalar is selected (a cast to text where JSON would lose it) and decoded. */
function scalarOf(
  field: ScalarField,
  Decimal: DecimalClass,
): { cast?: string; decode?: (v: unknown) => unknown } {
  switch (field.type) {
    case 'String':
    case 'Boolean':
    case 'Int':
    case 'Enum':
    case 'Json':
      return {};
    case 'Float':
      // PostgreSQL writes NaN and the infinities as JSON strings.
      return { decode: (v) => (typeof v === 'string' ? Number(v) : v) };
    case 'Decimal':
      return { cast: field.list ? 'text[]' : 'text', decode: (v) => new Decimal(v as string) };
    case 'BigInt':
      return { cast: field.list ? 'text[]' : 'text', decode: (v) => BigInt(v as string) };
    case 'DateTime':
      switch (field.native) {
        case 'Timestamptz':
        case 'Date':
          // JSON gives an offset for timestamptz and a bare date (UTC midnight) for date.
          return { decode: (v) => new Date(v as string) };
        case null:
        case 'Timestamp':
          // Prisma keeps a timestamp without zone as UTC; JSON writes it without an offset.
          return { decode: (v) => new Date(`${v as string}Z`) };
        default:
          return refuse(`DateTime as ${field.native}`);
      }
    default:
      return refuse(`type ${field.type}`);
  }
}

function valueStep(key: string, list: boolean, decode: (v: unknown) => unknown): Step {
  if (list) {
    return (object) => {
      const value = object[key] as unknown[] | null;
      if (value !== null) object[key] = value.map(decode);
    };
  }
  return (object) => {
    const value = object[key];
    if (value !== null) object[key] = decode(value);
  };
}

function relationStep(key: string, list: boolean, steps: Step[]): Step {
  const one = (object: Record<string, unknown>) => {
    for (const step of steps) step(object);
  };
  if (list) {
    return (object) => {
      for (const row of object[key] as Record<string, unknown>[]) one(row);
    };
  }
  return (object) => {
    const value = object[key] as Record<string, unknown> | null;
    if (value !== null) one(value);
  };
}
