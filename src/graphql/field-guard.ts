import type { GraphQLResolveInfo } from 'graphql';
import { responsePathAsArray } from 'graphql';
import type { CaseFacts } from '../authz/case-facts.js';
import { type AccessDecision, loggedCategory } from '../authz/decide.js';
import type { FieldCategory } from '../authz/field-categories.js';
import { ORGANISATION_WIDE_ROLES } from '../authz/policy.js';
import { decideRead, readCategory } from '../authz/read-decision.js';
import { type RowKind, withheldFromSomeViewer } from '../authz/visibility.js';
import type { Context } from './context.js';

function onOrganisationLevel(ctx: Context): boolean {
  return ctx.principal?.roles.some((r) => ORGANISATION_WIDE_ROLES.includes(r)) ?? false;
}

/**
 * Field-level authorization, put in front of a field by spreading `guard(...)` into its
 * options. Pothos scope-auth runs the decision before the resolver; a withheld field
 * answers null and is listed in `extensions.redactions` with its reason; a field that is
 * read is recorded for the PDL access log (one row per patient and request, written by
 * src/audit before the response leaves).
 *
 * The field's category is also stored in the schema's field extensions (`GuardExtensions`),
 * where the authorization matrix test and docs/authorization.md read it, and where a
 * command reads what its answer will read before it writes its access-log row
 * (src/graphql/answer-reads.ts).
 */

/** Where a parent object's patient data lives: its case, or (for Patient) the patient. */
export type Locate<Parent> = (parent: Parent) => {
  caseId: string | null;
  patientId?: string | null;
  protectedIdentity?: boolean;
};

export interface GuardOptions<Parent> {
  /** A fixed category, or one that depends on the object (an event's payload). */
  category: FieldCategory | ((parent: Parent) => FieldCategory);
  locate: Locate<Parent>;
  /** Needed for payment responsibility: exempt from the consent condition. */
  paymentRelevant?: boolean;
}

/** What a guarded field says of itself in the schema: the one field/category table. */
export type GuardExtensions = {
  /** The field's category, or BY_OBJECT when `categoryOf` decides it per object. */
  category: FieldCategory | 'BY_OBJECT';
  paymentRelevant: boolean;
  /** The category of the field on one object (an event's payload by the event's type). */
  categoryOf?: (parent: never) => FieldCategory;
  /** Where the object's patient data lives: `redactions` decides unselected fields with it. */
  locate: Locate<never>;
};

export function guard<Parent>(options: GuardOptions<Parent>) {
  const byObject = typeof options.category === 'function' ? options.category : undefined;
  const extensions: GuardExtensions = {
    category: byObject ? 'BY_OBJECT' : (options.category as FieldCategory),
    paymentRelevant: options.paymentRelevant ?? false,
    ...(byObject ? { categoryOf: byObject as (parent: never) => FieldCategory } : {}),
    locate: options.locate as Locate<never>,
  };
  return {
    nullable: true as const,
    extensions,
    authScopes: (parent: Parent, _args: unknown, ctx: Context, info: GraphQLResolveInfo) => {
      const decided = decideGuardedField(extensions, parent as never, ctx);
      return decided instanceof Promise
        ? decided.then((d) => record(d, ctx, info))
        : record(decided, ctx, info);
    },
    unauthorizedResolver: () => null,
  };
}

/**
 * A guarded field that a visible object always answers: its category is never withheld
 * from a caller who can see objects of `seenOn` (src/authz/visibility.ts), so the schema
 * declares it non-null. Checked when the schema is built: a category the policy can
 * withhold from such a caller (a condition, a block, a protected identity, a role that
 * sees the object without the grant) stops the start, since `null` is how a withheld field
 * answers. The guard still decides and records every read.
 */
export function guardNeverWithheld<Parent>(
  options: GuardOptions<Parent> & { category: FieldCategory; seenOn: RowKind },
) {
  if (withheldFromSomeViewer(options.category, options.seenOn, options.paymentRelevant ?? false)) {
    throw new Error(
      `A ${options.category} field can be withheld from someone who sees a ${options.seenOn}: it must stay nullable (guard), not guardNeverWithheld.`,
    );
  }
  const { unauthorizedResolver: _null, ...guarded } = guard(options);
  return { ...guarded, nullable: false as const };
}

/**
 * Per-request memory: the facts of each case, and each (patient, case, category) decision
 * with whether its access-log record was made. A 50-case list asks the same question for
 * every field of every event; deciding and recording it once keeps the guard synchronous
 * and cheap after the first answer. A decision made for `redactions` is not a read and
 * not a refusal of one, so it is remembered unrecorded: the field read later records it.
 */
interface GuardMemo {
  facts: Map<string, CaseFacts | null>;
  decisions: Map<string, { decision: AccessDecision; recorded: boolean }>;
}
const memos = new WeakMap<Context, GuardMemo>();

/**
 * Forgets the request's decisions: a subscription executes every delivery with one
 * context, and each delivery must be decided afresh (consent, blocks, parties change).
 */
export function forgetDecisions(ctx: Context): void {
  memos.delete(ctx);
}

/**
 * A command's case as its transaction left it: the answer's fields are decided on these
 * facts, the same ones the command's access-log row was decided on (answer-reads.ts).
 * Decisions of the case made earlier in the request (before the command) are forgotten.
 */
export function adoptCaseFacts(ctx: Context, facts: CaseFacts): void {
  const memo = memoOf(ctx);
  memo.facts.set(facts.caseId, facts);
  for (const key of memo.decisions.keys()) {
    if (key.startsWith(`${facts.caseId}|`)) memo.decisions.delete(key);
  }
  ctx.facts.clear(facts.caseId).prime(facts.caseId, facts);
}

function memoOf(ctx: Context): GuardMemo {
  let memo = memos.get(ctx);
  if (!memo) {
    memo = { facts: new Map(), decisions: new Map() };
    memos.set(ctx, memo);
  }
  return memo;
}

/** One guarded field of one object, decided: what the guard and `redactions` both act on. */
export interface GuardedFieldDecision {
  category: FieldCategory;
  decision: AccessDecision;
  caseId: string | null;
  patientId: string | null;
  facts: CaseFacts | null;
  /** The memo entry: whether the access log has this decision yet. */
  entry: { decision: AccessDecision; recorded: boolean };
}

/**
 * Decides one guarded field of one object with src/authz/read-decision.ts, from the
 * field's schema extensions: the field guard and `redactions` (src/graphql/object-redactions.ts)
 * both call this, so what an object lists as withheld is what its fields answer null for.
 * Synchronous once the case's facts are loaded (the first field of a case loads them,
 * batched with the rest).
 */
export function decideGuardedField(
  guarded: GuardExtensions,
  parent: never,
  ctx: Context,
): GuardedFieldDecision | Promise<GuardedFieldDecision> {
  const where = guarded.locate(parent);
  const memo = memoOf(ctx);
  if (where.caseId && !memo.facts.has(where.caseId)) {
    const caseId = where.caseId;
    return ctx.facts.load(caseId).then((facts) => {
      memo.facts.set(caseId, facts);
      return decideWith(guarded, parent, where, facts, ctx);
    });
  }
  return decideWith(
    guarded,
    parent,
    where,
    where.caseId ? memo.facts.get(where.caseId)! : null,
    ctx,
  );
}

function decideWith(
  guarded: GuardExtensions,
  parent: never,
  where: ReturnType<Locate<never>>,
  facts: CaseFacts | null,
  ctx: Context,
): GuardedFieldDecision {
  const read = {
    category: guarded.categoryOf ? guarded.categoryOf(parent) : (guarded.category as FieldCategory),
    facts,
    protectedIdentity: where.protectedIdentity,
    paymentRelevant: guarded.paymentRelevant,
  };
  const category = readCategory(read);
  const patientId = where.patientId ?? facts?.patientId ?? null;
  const key = `${where.caseId}|${patientId}|${category}|${read.paymentRelevant}`;
  const memo = memoOf(ctx);
  let entry = memo.decisions.get(key);
  if (!entry) {
    entry = { decision: decideRead(ctx.principal, ctx.actor, read).decision, recorded: false };
    memo.decisions.set(key, entry);
  }
  return { category, decision: entry.decision, caseId: where.caseId, patientId, facts, entry };
}

/**
 * The guard's answer for a field that is being resolved: a withheld field is listed in
 * `extensions.redactions`; the first read or refusal of each decision is recorded for
 * the access log.
 */
function record(decided: GuardedFieldDecision, ctx: Context, info: GraphQLResolveInfo): boolean {
  const { category, decision, caseId, patientId, facts, entry } = decided;
  const first = !entry.recorded;
  entry.recorded = true;
  if (!decision.allowed) {
    ctx.redactions.push({
      path: responsePathAsArray(info.path),
      category,
      reason: decision.reason!,
    });
    // Refusals are logged too: a pattern of denied attempts is what a review looks for.
    if (first && patientId && decision.reason !== 'NOT_SIGNED_IN') {
      ctx.access.record({
        patientId,
        caseId,
        categories: [category],
        activity: 'READ',
        outcome: 'DENIED',
      });
    }
    return false;
  }
  if (first && patientId) {
    ctx.access.record({
      patientId,
      caseId,
      categories: [loggedCategory(category, decision)],
      activity: 'READ',
      // Seen without taking part, by an organisation-wide role or an emergency grant.
      emergencyAccess:
        facts !== null &&
        ctx.actor !== null &&
        !onOrganisationLevel(ctx) &&
        !facts.partyUnitIds.includes(ctx.actor.unitId),
    });
  }
  return true;
}
