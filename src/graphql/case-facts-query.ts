import type { CaseFacts } from '../authz/case-facts.js';
import type { Context } from './context.js';

/**
 * The facts of a case (src/authz/case-facts.ts) read in the same statement as the case.
 *
 * The field guard decides every field of a case on its facts, which the facts loader
 * reads with a statement of its own after the case has arrived: a round trip in series
 * with the case, for a case in full detail and for every page of a list. A query that
 * reads cases itself (`case(id:)`, `cases`) instead asks Prisma for the few columns the
 * facts are made of, merged into the selection Pothos planned, and primes the loader with
 * them: the guard then finds the facts already loaded, and they are of the same snapshot
 * as the case they decide.
 *
 * The merge only adds: columns, and relations the selection lacks. Where the selection
 * already loads a relation the facts need with arguments that would narrow it (a `where`
 * or a `take` on the parties), the facts are not merged, and the loader reads them as
 * before.
 */

/** A case row with the columns the facts are made of. */
interface FactsRow {
  id: string;
  patientId: string;
  consent: string;
  patient: { protectedIdentity: boolean; blocks: { blockedOrganizationId: string }[] };
  parties: { unitId: string; leftAt: Date | null; unit: { organizationId: string } }[];
}

type Selection = Record<string, unknown>;

/** What the facts are made of, as a selection of a case. */
const FACTS: Selection = {
  id: true,
  patientId: true,
  consent: true,
  patient: {
    select: {
      protectedIdentity: true,
      blocks: { where: { liftedAt: null }, select: { blockedOrganizationId: true } },
    },
  },
  parties: { select: { unitId: true, leftAt: true, unit: { select: { organizationId: true } } } },
};

/** Arguments that would leave out parties the facts count. */
const NARROWING = ['where', 'take', 'skip', 'cursor', 'distinct'] as const;

const isObject = (value: unknown): value is Selection =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A relation's selection with `fields` added, or null when `nested` cannot take them. */
function adding(nested: unknown, fields: Selection): Selection | null {
  if (nested === undefined) return { select: fields };
  if (nested === true) return { include: pickRelations(fields) };
  if (!isObject(nested)) return null;
  if (isObject(nested.select)) return { ...nested, select: merge(nested.select, fields) };
  // An include (or no selection at all) has every column already: only relations to add.
  const include = isObject(nested.include) ? nested.include : {};
  return { ...nested, include: merge(include, pickRelations(fields)) };
}

/** The relation entries of a selection (its columns are `true`). */
function pickRelations(fields: Selection): Selection {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== true));
}

/** `fields` merged into `selection`; a relation already selected keeps its own arguments. */
function merge(selection: Selection, fields: Selection): Selection {
  const merged: Selection = { ...selection };
  for (const [key, value] of Object.entries(fields)) {
    if (value === true) {
      if (merged[key] === undefined) merged[key] = true;
    } else if (merged[key] === undefined) {
      merged[key] = value;
    } else {
      const nested = adding(merged[key], (value as { select: Selection }).select);
      if (nested === null) throw new Unmergeable();
      merged[key] = nested;
    }
  }
  return merged;
}

class Unmergeable extends Error {}

/** What withCaseFacts answers: the query to send, and what to do with its rows. */
export interface CaseFactsQuery<Query> {
  query: Query;
  /** Hands the facts of the rows read with `query` to the request's facts loader. */
  prime(ctx: Context, rows: readonly object[]): void;
}

/**
 * The case query Pothos planned, with the facts' columns added. A case whose facts the
 * loader already holds keeps them (DataLoader's prime does not replace). When the
 * selection loads the parties or the patient's blocks narrowed, the query is left as it
 * is and nothing is primed: the guard's loader reads the facts.
 */
export function withCaseFacts<Query extends object>(query: Query): CaseFactsQuery<Query> {
  const unchanged = { query, prime: () => undefined };
  const { select } = query as { select?: unknown };
  if (!isObject(select)) return unchanged;
  const parties = select.parties;
  if (isObject(parties) && NARROWING.some((key) => parties[key] !== undefined)) return unchanged;
  const patient = select.patient;
  const patientFields = isObject(patient) ? (patient.select ?? patient.include) : undefined;
  if (isObject(patientFields) && patientFields.blocks !== undefined) return unchanged;
  let merged: Selection;
  try {
    merged = merge(select, FACTS);
  } catch (error) {
    if (error instanceof Unmergeable) return unchanged;
    throw error;
  }
  return {
    query: { ...query, select: merged },
    prime(ctx, rows) {
      for (const row of rows) {
        const facts = factsOf(row as FactsRow);
        ctx.facts.prime(facts.caseId, facts);
      }
    },
  };
}

/** The facts of a case row loaded with withCaseFacts's query. */
function factsOf(row: FactsRow): CaseFacts {
  const current = row.parties.filter((p) => p.leftAt === null);
  return {
    caseId: row.id,
    patientId: row.patientId,
    protectedIdentity: row.patient.protectedIdentity,
    consentGiven: row.consent === 'GIVEN',
    partyUnitIds: current.map((p) => p.unitId),
    partyOrganizationIds: [...new Set(current.map((p) => p.unit.organizationId))],
    blockedOrganizationIds: row.patient.blocks.map((b) => b.blockedOrganizationId),
  };
}
