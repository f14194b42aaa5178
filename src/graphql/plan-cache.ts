import { isThenable } from '@pothos/core';
import * as prismaPlugin from '@pothos/plugin-prisma';
import { queryFromInfo } from '@pothos/plugin-prisma';
import { Plan, setLoaderMappings } from '@pothos/selection-mapper';
import type { FieldNode, GraphQLResolveInfo } from 'graphql';
import { queryPlans } from '../metrics/registry.js';
import { type Read, ReadRecorder, readHolds } from './recorded-reads.js';

/**
 * The Prisma query Pothos plans for a field (the columns and relations its selection needs,
 * with each relation's arguments), kept across requests. Planning walks the whole
 * selection and calls every field's `select`/`query` function: for one case in full (the
 * bench's (b)) that was the largest single cost of the request in Node (docs/bench/notes.md).
 * The same document asks the same plan again and again, so the plan is kept per field of
 * the parsed document (Apollo keeps one parse per document) and played for each request.
 *
 * A plan may depend on the request: a relation's `query` function reads the context (the
 * notes' organisation, src/graphql/types/case.ts) and arguments read variables. So the plan
 * is made with stand-ins that record what it read (src/graphql/recorded-reads.ts), and it
 * is used again only for a request where every one of those reads finds the same value. A
 * plan whose functions used the context in a way that cannot be recorded (calling
 * `ctx.now()`, as the case row rule does) is used once and not kept.
 *
 * The rule this rests on, for every `select` and `query` function of an object type: its
 * answer depends only on its arguments and on what it reads of the context, never on the
 * clock or module state. Time comes through `ctx.now()`, which is a function, so a plan
 * using it is never kept.
 *
 * Needs `prismaAdapter` from @pothos/plugin-prisma, which patches/ exports; an install
 * without the patch plans every request, as Pothos does (the start says so).
 */
const adapter = (prismaPlugin as { prismaAdapter?: typeof prismaPlugin.prismaAdapter })
  .prismaAdapter;

export const planCacheAvailable = (): boolean => adapter !== undefined;

type Played = prismaPlugin.PrismaPlayedPlan;

interface Kept {
  fieldNodes: readonly FieldNode[];
  parentType: GraphQLResolveInfo['parentType'];
  returnType: GraphQLResolveInfo['returnType'];
  reads: readonly Read[];
  played: Played;
}

/**
 * Plans kept per field node of a parsed document, most recently used first: one per set of
 * values read (readers of different organisations), at most this many. Weak, so the
 * plans go with the document when Apollo's document cache lets it go.
 */
const PLANS_PER_FIELD = 32;
const kept = new WeakMap<FieldNode, Kept[]>();

/**
 * The planned query for the field `info` resolves, as `queryFromInfo` would give it, with
 * the plan's mappings recorded on this request's context for the relation fields below.
 * A promise only when a `select` function answered with one.
 */
export function plannedQuery<Query>(
  context: object,
  info: GraphQLResolveInfo,
): Query | Promise<Query> {
  if (!adapter) {
    queryPlans.inc({ outcome: 'unavailable' });
    return queryFromInfo({ context, info, awaitSelections: true }) as Query | Promise<Query>;
  }
  const plans = kept.get(info.fieldNodes[0]!) ?? [];
  const variables = info.variableValues;
  for (let i = 0; i < plans.length; i++) {
    const plan = plans[i]!;
    if (!sameField(plan, info) || !plan.reads.every((r) => readHolds(r, context, variables))) {
      continue;
    }
    if (i > 0) plans.unshift(...plans.splice(i, 1));
    queryPlans.inc({ outcome: 'kept' });
    return play(plan.played, context, info);
  }

  const recorder = new ReadRecorder();
  let planned: prismaPlugin.PrismaPlan | undefined;
  try {
    planned = Plan.fromInfo(adapter, {
      context: recorder.context(context),
      info: { ...info, variableValues: recorder.variables(variables) },
      skipDeferredFragments: true,
    });
  } catch (error) {
    recorder.finish();
    throw error;
  }
  // Only a selection under `paths` can be empty, and none is asked for here.
  if (!planned)
    throw new Error(`Pothos planned nothing for ${info.parentType.name}.${info.fieldName}`);
  if (isThenable(planned)) {
    // A `select` function answered with a promise: what it awaited is not a recorded read.
    const pending = planned as PromiseLike<prismaPlugin.PrismaPlan>;
    return (async () => {
      try {
        const settled = await pending;
        queryPlans.inc({ outcome: 'not_kept' });
        return play<Query>(settled.play(), context, info);
      } finally {
        recorder.finish();
      }
    })();
  }
  recorder.finish();
  const played = planned.play();
  if (recorder.opaque) {
    queryPlans.inc({ outcome: 'not_kept' });
  } else {
    queryPlans.inc({ outcome: 'planned' });
    const { fieldNodes, parentType, returnType } = info;
    plans.unshift({ fieldNodes, parentType, returnType, reads: recorder.reads, played });
    if (plans.length > PLANS_PER_FIELD) plans.length = PLANS_PER_FIELD;
    kept.set(info.fieldNodes[0]!, plans);
  }
  return play(played, context, info);
}

/** The plan's query, its mappings recorded for this request's relation fields. */
function play<Query>(played: Played, context: object, info: GraphQLResolveInfo): Query {
  setLoaderMappings(context, info, played.mappings);
  // A new query object each time: a resolver may spread or change its own.
  return adapter!.toQuery(played.root) as Query;
}

/** The same occurrence of the field: every node graphql merged into it, on the same type. */
function sameField(plan: Kept, info: GraphQLResolveInfo): boolean {
  return (
    plan.parentType === info.parentType &&
    plan.returnType === info.returnType &&
    plan.fieldNodes.length === info.fieldNodes.length &&
    plan.fieldNodes.every((node, i) => node === info.fieldNodes[i])
  );
}
