import { createContextCache } from '@pothos/core';
import type { GraphQLFieldResolver, GraphQLResolveInfo } from 'graphql';
import { responsePathAsArray } from 'graphql';
import type { CaseFacts } from '../authz/case-facts.js';
import { type AccessDecision, loggedCategory } from '../authz/decide.js';
import { FIELD_CATEGORIES, type FieldCategory } from '../authz/field-categories.js';
import { isOrganisationWide } from '../authz/policy.js';
import {
  type FieldRead,
  type ReadDecision,
  readCategory,
  readDecider,
} from '../authz/read-decision.js';
import { type RowKind, withheldFromSomeViewer } from '../authz/visibility.js';
import type { Context } from './context.js';
import { ForbiddenError, UnauthenticatedError } from './errors.js';

function onOrganisationLevel(ctx: Context): boolean {
  return ctx.principal ? isOrganisationWide(ctx.principal.roles) : false;
}

/**
 * Field-level authorization, put in front of a field by spreading `guard(...)` into its
 * options. The declaration is the field's schema extensions; the field guard plugin
 * (src/graphql/field-guard-plugin.ts) puts `guardedResolver` in front of every field that
 * has one, before any other plugin's wrapper, so a withheld field runs no resolver. A
 * withheld field answers null and is listed in `extensions.redactions` with its reason; a
 * field that is read is recorded for the PDL access log (one row per patient and request,
 * written by src/audit before the response leaves).
 *
 * Objects, not fields, are authorized: the first guarded field of an object finds the
 * object's lens (its case and patient as this request sees them, shared by every object of
 * that case) and each category is decided once per case, patient and request. After the
 * first read of a category has been recorded, a readable field costs one lookup of its
 * object's lens and one array read before its own resolver, with no closure or promise.
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
  return { nullable: true as const, extensions };
}

/**
 * A guarded field that a visible object always answers: its category is never withheld
 * from a caller who can see objects of `seenOn` (src/authz/visibility.ts), so the schema
 * declares it non-null. Checked when the schema is built: a category the policy can
 * withhold from such a caller (a condition, a block, a protected identity, a role that
 * sees the object without the grant) stops the start, since `null` is how a withheld field
 * answers. The guard still decides and records every read; should it ever refuse one, the
 * field fails with FORBIDDEN (UNAUTHENTICATED without a token) instead of answering null.
 */
export function guardNeverWithheld<Parent>(
  options: GuardOptions<Parent> & { category: FieldCategory; seenOn: RowKind },
) {
  if (withheldFromSomeViewer(options.category, options.seenOn, options.paymentRelevant ?? false)) {
    throw new Error(
      `A ${options.category} field can be withheld from someone who sees a ${options.seenOn}: it must stay nullable (guard), not guardNeverWithheld.`,
    );
  }
  return { ...guard(options), nullable: false as const };
}

/** One decision of a request: a case and patient, the category read, and whether payment needs it. */
interface Decided {
  /** The category it is decided and logged under (PROTECTED_IDENTITY for a protected identity). */
  category: FieldCategory;
  decision: AccessDecision;
  /** Whether the access log has this decision yet (the first read or refusal records it). */
  recorded: boolean;
}

/** The position of a (category, payment relevance) pair in a decision table. */
const CATEGORY_INDEX = new Map<FieldCategory, number>(FIELD_CATEGORIES.map((c, i) => [c, i]));
function slotOf(category: FieldCategory, paymentRelevant: boolean): number {
  return CATEGORY_INDEX.get(category)! * 2 + (paymentRelevant ? 1 : 0);
}

/** Whose data an object holds: one case (or none) and one patient, with their decisions. */
interface Subject {
  caseId: string | null;
  patientId: string | null;
  facts: CaseFacts | null;
  /** By the slot of the category decided under: made the first time a field asks. */
  decided: (Decided | undefined)[];
  lenses: Lens[];
}

/**
 * How one request sees the objects placed at one spot (a case, a patient, a protected
 * identity): every event, plan or note of a case shares one. `bySlot` is by the field's
 * declared category: IDENTITY of a protected identity points at the PROTECTED_IDENTITY
 * decision.
 */
interface Lens {
  ctx: Context;
  memo: GuardMemo;
  generation: number;
  /** Where `locate` put the objects seen through it. */
  caseId: string | null;
  patientId: string | null | undefined;
  protectedIdentity: boolean | undefined;
  subject: Subject;
  bySlot: (Decided | undefined)[];
}

/**
 * Per-request memory: the facts of each case and the subjects decided on them. A 50-case
 * list asks the same question for every field of every event; deciding and recording it
 * once keeps the guard synchronous and cheap after the first answer. A decision made for
 * `redactions` is not a read and not a refusal of one, so it is remembered unrecorded: the
 * field read later records it. `generation` moves when decisions are forgotten, which
 * retires every lens made before.
 */
interface GuardMemo {
  generation: number;
  facts: Map<string, CaseFacts | null>;
  /** By case id ('' for none), then patient id ('' for none). */
  subjects: Map<string, Map<string, Subject>>;
  /** The lens each guarded field (by its number) used last. */
  lastLens: (Lens | undefined)[];
  /**
   * The lens the latest look-up found: the next field of the same object (a case's
   * reference, then its status) finds it here when its own last lens was another case's.
   */
  recent: Lens | undefined;
  /** The request's read decisions, remembered by what they depend on (src/authz). */
  decide: (read: FieldRead) => ReadDecision;
}
/** Numbers the guarded fields as the schema is built. */
let guardedFieldCount = 0;

/**
 * The request's memo, in Pothos' per-request cache, which patches/ keeps on the context so
 * that it dies with the request (patches/README.md).
 */
const memoOf = createContextCache(
  (ctx: Context): GuardMemo => ({
    generation: 0,
    facts: new Map(),
    subjects: new Map(),
    lastLens: [],
    recent: undefined,
    // The context's principal and actor are readonly: one decider serves the request.
    decide: readDecider(ctx.principal, ctx.actor),
  }),
);

/**
 * Forgets the request's decisions: a subscription executes every delivery with one
 * context, and each delivery must be decided afresh (consent, blocks, parties change).
 */
export function forgetDecisions(ctx: Context): void {
  const memo = memoOf(ctx);
  memo.generation += 1;
  memo.facts.clear();
  memo.subjects.clear();
}

/**
 * A command's case as its transaction left it: the answer's fields are decided on these
 * facts, the same ones the command's access-log row was decided on (answer-reads.ts).
 * Decisions of the case made earlier in the request (before the command) are forgotten.
 */
export function adoptCaseFacts(ctx: Context, facts: CaseFacts): void {
  const memo = memoOf(ctx);
  memo.facts.set(facts.caseId, facts);
  memo.subjects.delete(facts.caseId);
  memo.generation += 1;
  ctx.facts.clear(facts.caseId).prime(facts.caseId, facts);
}

/**
 * Decides the cases a root field is about to answer before any of their fields is
 * resolved: their facts are loaded in one statement, so every guarded field of them
 * answers synchronously instead of each waiting on the load. Optional: a field of a case
 * not decided here loads its facts itself, batched with the others.
 */
export async function decideCases(ctx: Context, caseIds: readonly string[]): Promise<void> {
  const memo = memoOf(ctx);
  const missing = caseIds.filter((id) => !memo.facts.has(id));
  if (missing.length === 0) return;
  const generation = memo.generation;
  const loaded = await ctx.facts.loadMany(missing);
  if (memo.generation !== generation) return;
  missing.forEach((caseId, i) => {
    const facts = loaded[i];
    if (facts instanceof Error) throw facts;
    memo.facts.set(caseId, facts ?? null);
  });
}

type Where = ReturnType<Locate<never>>;

/** Whether `lens` is current for this request and sees what `where` places. */
function sees(lens: Lens, ctx: Context, where: Where): boolean {
  return (
    lens.ctx === ctx &&
    lens.generation === lens.memo.generation &&
    lens.caseId === where.caseId &&
    lens.patientId === where.patientId &&
    lens.protectedIdentity === where.protectedIdentity
  );
}

/**
 * The lens for what `where` places, made on first use. Synchronous once the case's facts
 * are known (decided by `decideCases`, or by the first field of the case, which loads
 * them batched with the rest).
 */
function lensAt(where: Where, ctx: Context): Lens | Promise<Lens> {
  const memo = memoOf(ctx);
  if (where.caseId && !memo.facts.has(where.caseId)) {
    const caseId = where.caseId;
    const generation = memo.generation;
    return ctx.facts.load(caseId).then((facts) => {
      // Forgotten meanwhile (a subscription's next delivery): decided afresh on its facts.
      if (memo.generation !== generation) return lensAt(where, ctx);
      memo.facts.set(caseId, facts);
      return lensOn(where, memo, ctx);
    });
  }
  return lensOn(where, memo, ctx);
}

function lensOn(where: Where, memo: GuardMemo, ctx: Context): Lens {
  const facts = where.caseId ? (memo.facts.get(where.caseId) ?? null) : null;
  const patientId = where.patientId ?? facts?.patientId ?? null;
  let byPatient = memo.subjects.get(where.caseId ?? '');
  if (!byPatient) {
    byPatient = new Map();
    memo.subjects.set(where.caseId ?? '', byPatient);
  }
  let subject = byPatient.get(patientId ?? '');
  if (!subject) {
    subject = { caseId: where.caseId, patientId, facts, decided: [], lenses: [] };
    byPatient.set(patientId ?? '', subject);
  }
  for (const lens of subject.lenses) {
    if (lens.patientId === where.patientId && lens.protectedIdentity === where.protectedIdentity) {
      // A subject outlives a generation only when another case's facts were adopted.
      lens.generation = memo.generation;
      return lens;
    }
  }
  const lens: Lens = {
    ctx,
    memo,
    generation: memo.generation,
    caseId: where.caseId,
    patientId: where.patientId,
    protectedIdentity: where.protectedIdentity,
    subject,
    bySlot: [],
  };
  subject.lenses.push(lens);
  return lens;
}

/** The decision of one declared category and payment relevance on a lens, made once per subject. */
function decidedOn(
  lens: Lens,
  category: FieldCategory,
  paymentRelevant: boolean,
  slot: number,
): Decided {
  const known = lens.bySlot[slot];
  if (known !== undefined) return known;
  const { subject } = lens;
  const read = {
    category,
    facts: subject.facts,
    protectedIdentity: lens.protectedIdentity,
    paymentRelevant,
  };
  const readSlot = slotOf(readCategory(read), paymentRelevant);
  let decided = subject.decided[readSlot];
  if (decided === undefined) {
    decided = { ...lens.memo.decide(read), recorded: false };
    subject.decided[readSlot] = decided;
  }
  lens.bySlot[slot] = decided;
  return decided;
}

/** One guarded field of one object, decided: what the guard and `redactions` both act on. */
export interface GuardedFieldDecision {
  category: FieldCategory;
  decision: AccessDecision;
}

/**
 * Decides one guarded field of one object with src/authz/read-decision.ts, from the
 * field's schema extensions: the field guard and `redactions` (src/graphql/object-redactions.ts)
 * both decide through the same lens, so what an object lists as withheld is what its
 * fields answer null for. Records nothing.
 */
export function decideGuardedField(
  guarded: GuardExtensions,
  parent: never,
  ctx: Context,
): GuardedFieldDecision | Promise<GuardedFieldDecision> {
  const lens = lensAt(guarded.locate(parent), ctx);
  return lens instanceof Promise
    ? lens.then((l) => decideFieldOn(l, guarded, parent))
    : decideFieldOn(lens, guarded, parent);
}

function decideFieldOn(lens: Lens, guarded: GuardExtensions, parent: never): Decided {
  const category = guarded.categoryOf
    ? guarded.categoryOf(parent)
    : (guarded.category as FieldCategory);
  return decidedOn(
    lens,
    category,
    guarded.paymentRelevant,
    slotOf(category, guarded.paymentRelevant),
  );
}

/**
 * The resolver of a guarded field: `resolve` (with every other plugin's wrapper) behind
 * the decision. Each field keeps the last lens it used in the request: the objects of a list are resolved
 * one after the other, those of one case together, so the next object is mostly seen
 * through the same lens and costs its `locate`, one comparison and one array read. A
 * readable field whose decision the access log already has then goes straight to
 * `resolve`; anything else (a refusal, the first read of a category) is recorded first.
 * `nonNull`: a refusal fails the field instead of answering null.
 */
export function guardedResolver(
  guarded: GuardExtensions,
  nonNull: boolean,
  resolve: GraphQLFieldResolver<unknown, Context, object>,
): GraphQLFieldResolver<unknown, Context, object> {
  const { locate, categoryOf, paymentRelevant } = guarded;
  const fixedSlot = categoryOf ? -1 : slotOf(guarded.category as FieldCategory, paymentRelevant);
  const field = guardedFieldCount++;
  return (parent, args, ctx, info) => {
    const where = locate(parent as never);
    const memo = memoOf(ctx);
    let lens = memo.lastLens[field];
    if (lens === undefined || !sees(lens, ctx, where)) {
      const recent = memo.recent;
      if (recent !== undefined && sees(recent, ctx, where)) {
        lens = recent;
      } else {
        const found = lensAt(where, ctx);
        if (found instanceof Promise) {
          return found.then((l) =>
            readOn(l, guarded, nonNull, resolve, parent as never, args, ctx, info),
          );
        }
        lens = found;
        memo.recent = found;
      }
      memo.lastLens[field] = lens;
    }
    if (fixedSlot >= 0) {
      const decided = lens.bySlot[fixedSlot];
      if (decided?.recorded && decided.decision.allowed) return resolve(parent, args, ctx, info);
    }
    return readOn(lens, guarded, nonNull, resolve, parent as never, args, ctx, info);
  };
}

function readOn(
  lens: Lens,
  guarded: GuardExtensions,
  nonNull: boolean,
  resolve: GraphQLFieldResolver<unknown, Context, object>,
  parent: never,
  args: object,
  ctx: Context,
  info: GraphQLResolveInfo,
): unknown {
  if (record(lens.subject, decideFieldOn(lens, guarded, parent), ctx, info)) {
    return resolve(parent, args, ctx, info);
  }
  if (!nonNull) return null;
  throw ctx.principal
    ? new ForbiddenError(`Not authorized to resolve ${info.parentType.name}.${info.fieldName}`)
    : new UnauthenticatedError();
}

/**
 * The guard's answer for a field that is being resolved: a withheld field is listed in
 * `extensions.redactions`; the first read or refusal of each decision is recorded for
 * the access log.
 */
function record(
  subject: Subject,
  decided: Decided,
  ctx: Context,
  info: GraphQLResolveInfo,
): boolean {
  const { category, decision } = decided;
  const { caseId, patientId, facts } = subject;
  const first = !decided.recorded;
  decided.recorded = true;
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
