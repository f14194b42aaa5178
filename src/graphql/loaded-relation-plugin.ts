import SchemaBuilder, {
  BasePlugin,
  type PothosOutputFieldConfig,
  type SchemaTypes,
} from '@pothos/core';
import type {
  FieldNode,
  FragmentDefinitionNode,
  GraphQLFieldResolver,
  GraphQLResolveInfo,
  SelectionSetNode,
} from 'graphql';
import { plainColumnOf } from './loaded-column-plugin.js';

/**
 * Answers a to-one Prisma relation (a party's unit, an event's author unit, a case's
 * patient) from the row when the row carries the related object with every column the
 * query reads of it, without @pothos/plugin-prisma's per-row look-up.
 *
 * plugin-prisma wraps every relation field in a resolver that asks
 * @pothos/selection-mapper whether this field's selection was loaded for this row: a walk
 * up the response path with string keys built per field per row, and a weak-map entry
 * per row for the fields below it (together 8–9 % of a 50-case list's node CPU, the
 * largest single item of its profile, docs/performance.md). A to-one relation without
 * arguments has one right value, the related row, however it was loaded; what can differ
 * is only which of its columns came along. So when the row has the relation (null
 * included) and the related object has every column the field's selection reads, that
 * object is the answer, and this plugin returns it. Otherwise plugin-prisma's resolver
 * runs as before (and loads what is missing).
 *
 * The look-up also leaves, for the fields below, where their own selections were loaded.
 * Only a field whose selection below is plain columns (src/graphql/loaded-column-plugin.ts)
 * or fields plugin-prisma does not wrap is answered here, so nothing below looks; a
 * relation below keeps the whole field on plugin-prisma's path.
 *
 * Registered just before the prisma plugin, as the loaded-column plugin is: every plugin
 * listed earlier (the field guard first) still wraps it.
 */
export class LoadedRelationPlugin<Types extends SchemaTypes> extends BasePlugin<Types> {
  /** Every field of a Prisma object type, as the shortcut sees it, by type and name. */
  private readonly reads = new Map<string, Map<string, FieldRead>>();

  override wrapResolve(
    resolver: GraphQLFieldResolver<unknown, Types['Context'], object>,
    fieldConfig: PothosOutputFieldConfig<Types>,
  ): GraphQLFieldResolver<unknown, Types['Context'], object> {
    this.classify(fieldConfig);
    const relation = toOneRelationOf(fieldConfig);
    if (relation === null || fieldConfig.type.kind === 'List') return resolver;
    const related = this.buildCache.getTypeConfig(fieldConfig.type.ref).name;
    const columns = new SelectionColumns(this.reads, related, () => this.alwaysSelected(related));
    return (parent, args, ctx, info) => {
      const row = parent as Record<string, unknown>;
      if (!Object.hasOwn(row, relation)) return resolver(parent, args, ctx, info);
      const value = row[relation];
      if (value === null) return null;
      const needed = columns.of(info);
      if (needed === null || typeof value !== 'object') return resolver(parent, args, ctx, info);
      for (const column of needed) {
        if (!Object.hasOwn(value, column)) return resolver(parent, args, ctx, info);
      }
      return value;
    };
  }

  /** Records what a field of a Prisma object reads, for the relations that select it. */
  private classify(fieldConfig: PothosOutputFieldConfig<Types>): void {
    const typeName = this.buildCache.getTypeConfig(fieldConfig.parentType).name;
    let fields = this.reads.get(typeName);
    if (!fields) {
      fields = new Map();
      this.reads.set(typeName, fields);
    }
    const column = plainColumnOf(fieldConfig);
    // plugin-prisma wraps (and looks up) only the Prisma fields with a selection of their own.
    const looksUp =
      fieldConfig.kind === 'PrismaObject' &&
      (fieldConfig.extensions as { pothosPrismaSelect?: unknown } | undefined)
        ?.pothosPrismaSelect !== undefined;
    fields.set(fieldConfig.name, column !== null ? { column } : looksUp ? LOOKS_UP : FROM_ROW);
  }

  /**
   * What a select-mode type's rows always carry (its own `select`: columns, and any relation
   * it names), which its fields without a selection of their own read; none in include mode.
   */
  private alwaysSelected(typeName: string): readonly string[] {
    const select = (
      this.buildCache.getTypeConfig(typeName).extensions as
        | { pothosPrismaSelect?: unknown }
        | undefined
    )?.pothosPrismaSelect;
    if (typeof select !== 'object' || select === null) return [];
    return Object.entries(select)
      .filter(([, selected]) => Boolean(selected))
      .map(([key]) => key);
  }
}

/**
 * What a field reads of its object: one column, or only what its type always selects
 * (a field plugin-prisma does not wrap, such as the node id), or a look-up of its own
 * selection (a relation, a field with a `select`), which the shortcut cannot stand in for.
 */
type FieldRead = { column: string } | typeof FROM_ROW | typeof LOOKS_UP;
const FROM_ROW = 'FROM_ROW' as const;
const LOOKS_UP = 'LOOKS_UP' as const;

/**
 * The relation a field resolves (the row's property, whatever the field is called), when it
 * is a plain to-one `t.relation`: no arguments, no query of its own (a to-one relation takes
 * no filter, but a `select` narrows it) and no `onNull`, so the related row is its whole
 * answer.
 */
function toOneRelationOf<Types extends SchemaTypes>(
  fieldConfig: PothosOutputFieldConfig<Types>,
): string | null {
  if (fieldConfig.kind !== 'PrismaObject') return null;
  const relation = (
    fieldConfig.extensions as { pothosPrismaRelationField?: { name: string; isList: boolean } }
  )?.pothosPrismaRelationField;
  if (!relation || relation.isList) return null;
  if (Object.keys(fieldConfig.args).length > 0) return null;
  const options = fieldConfig.pothosOptions as { query?: unknown; onNull?: unknown };
  if (options.query !== undefined || options.onNull !== undefined) return null;
  return relation.name;
}

/** One field's selection nodes, as graphql-js groups them, with the columns they need. */
interface Known {
  nodes: readonly FieldNode[];
  columns: readonly string[] | null;
}

/**
 * The columns one relation field's selection reads of the related object, or null when
 * something below looks its own selection up. Worked out once per selection: kept by the
 * field's first node (a document's nodes outlive the request, Apollo caches the parsed
 * document), and checked against the whole group, since a fragment can add to it.
 */
class SelectionColumns {
  private readonly known = new WeakMap<FieldNode, Known[]>();

  constructor(
    private readonly reads: ReadonlyMap<string, ReadonlyMap<string, FieldRead>>,
    /** The related type: the field's, whichever parent type it is asked on. */
    private readonly typeName: string,
    private readonly alwaysSelected: () => readonly string[],
  ) {}

  of(info: GraphQLResolveInfo): readonly string[] | null {
    const nodes = info.fieldNodes;
    const first = nodes[0]!;
    let entries = this.known.get(first);
    if (entries) {
      for (const entry of entries) {
        if (sameNodes(entry.nodes, nodes)) {
          return entry.columns;
        }
      }
    } else {
      entries = [];
      this.known.set(first, entries);
    }
    const columns = this.columnsOf(info);
    entries.push({ nodes: [...nodes], columns });
    return columns;
  }

  private columnsOf(info: GraphQLResolveInfo): readonly string[] | null {
    const fields = this.reads.get(this.typeName);
    if (!fields) return null;
    const columns = new Set(this.alwaysSelected());
    const names = new Set<string>();
    for (const node of info.fieldNodes) {
      if (node.selectionSet) collectNames(node.selectionSet, info.fragments, names, new Set());
    }
    for (const name of names) {
      if (name === '__typename') continue;
      const read = fields.get(name);
      if (read === undefined || read === LOOKS_UP) return null;
      if (read !== FROM_ROW) columns.add(read.column);
    }
    return [...columns];
  }
}

/**
 * The names of the fields a selection set asks for, through its fragments. Type conditions
 * and directives are not applied: a field named under any of them counts, which can only
 * ask for more columns or refuse the shortcut, never skip a look-up that is needed.
 */
function collectNames(
  selectionSet: SelectionSetNode,
  fragments: Readonly<Record<string, FragmentDefinitionNode>>,
  names: Set<string>,
  visited: Set<string>,
): void {
  for (const selection of selectionSet.selections) {
    if (selection.kind === 'Field') {
      names.add(selection.name.value);
    } else if (selection.kind === 'InlineFragment') {
      collectNames(selection.selectionSet, fragments, names, visited);
    } else {
      const name = selection.name.value;
      const fragment = fragments[name];
      if (fragment && !visited.has(name)) {
        visited.add(name);
        collectNames(fragment.selectionSet, fragments, names, visited);
      }
    }
  }
}

function sameNodes(a: readonly FieldNode[], b: readonly FieldNode[]): boolean {
  return a.length === b.length && a.every((node, i) => node === b[i]);
}

const pluginName = 'loadedRelation';

declare global {
  export namespace PothosSchemaTypes {
    interface Plugins<Types extends SchemaTypes> {
      loadedRelation: LoadedRelationPlugin<Types>;
    }
  }
}

SchemaBuilder.registerPlugin(pluginName, LoadedRelationPlugin);

export default pluginName;
