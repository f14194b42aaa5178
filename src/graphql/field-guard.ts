import type { GraphQLResolveInfo } from 'graphql';
import { responsePathAsArray } from 'graphql';
import { blockedFor, type CaseFacts } from '../authz/case-facts.js';
import { type AccessDecision, decideField, loggedCategory } from '../authz/decide.js';
import type { FieldCategory } from '../authz/field-categories.js';
import { ORGANISATION_WIDE_ROLES } from '../authz/policy.js';
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
 * The field's category is also stored in the schema's field extensions, where the
 * authorization matrix test and docs/authorization.md read it.
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

export function guard<Parent>(options: GuardOptions<Parent>) {
  const describe = typeof options.category === 'string' ? options.category : 'BY_OBJECT';
  return {
    nullable: true as const,
    extensions: { category: describe },
    authScopes: (parent: Parent, _args: unknown, ctx: Context, info: GraphQLResolveInfo) => {
      const where = options.locate(parent);
      const memo = memoOf(ctx);
      if (where.caseId && !memo.facts.has(where.caseId)) {
        // First field of this case in the request: load its facts (batched with the rest).
        const caseId = where.caseId;
        return ctx.facts.load(caseId).then((facts) => {
          memo.facts.set(caseId, facts);
          return decideAndRecord(options, parent, where, facts, ctx, info);
        });
      }
      return decideAndRecord(
        options,
        parent,
        where,
        where.caseId ? memo.facts.get(where.caseId)! : null,
        ctx,
        info,
      );
    },
    unauthorizedResolver: () => null,
  };
}

/**
 * Per-request memory: the facts of each case, and each (patient, case, category) decision.
 * A 50-case list asks the same question for every field of every event; deciding and
 * recording it once keeps the guard synchronous and cheap after the first answer.
 */
interface GuardMemo {
  facts: Map<string, CaseFacts | null>;
  decisions: Map<string, AccessDecision>;
}
const memos = new WeakMap<Context, GuardMemo>();

/**
 * Forgets the request's decisions: a subscription executes every delivery with one
 * context, and each delivery must be decided afresh (consent, blocks, parties change).
 */
export function forgetDecisions(ctx: Context): void {
  memos.delete(ctx);
}

function memoOf(ctx: Context): GuardMemo {
  let memo = memos.get(ctx);
  if (!memo) {
    memo = { facts: new Map(), decisions: new Map() };
    memos.set(ctx, memo);
  }
  return memo;
}

function decideAndRecord<Parent>(
  options: GuardOptions<Parent>,
  parent: Parent,
  where: ReturnType<Locate<Parent>>,
  facts: CaseFacts | null,
  ctx: Context,
  info: GraphQLResolveInfo,
): boolean {
  let category = typeof options.category === 'string' ? options.category : options.category(parent);
  const protectedIdentity = where.protectedIdentity ?? facts?.protectedIdentity ?? false;
  if (category === 'IDENTITY' && protectedIdentity) category = 'PROTECTED_IDENTITY';
  const patientId = where.patientId ?? facts?.patientId ?? null;
  const key = `${where.caseId}|${patientId}|${category}|${options.paymentRelevant ?? false}`;
  const memo = memoOf(ctx);
  let decision = memo.decisions.get(key);
  const first = decision === undefined;
  if (!decision) {
    const blocked =
      facts !== null &&
      ctx.actor !== null &&
      (category === 'MEDICAL' || category === 'SOCIAL' || category === 'PLANNING') &&
      blockedFor(facts, ctx.actor.organizationId);
    decision = decideField(ctx.principal, 'read', category, {
      consentGiven: facts?.consentGiven ?? false,
      paymentRelevant: options.paymentRelevant ?? false,
      blockedForCaller: blocked,
    });
    memo.decisions.set(key, decision);
  }
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
        caseId: where.caseId,
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
      caseId: where.caseId,
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
