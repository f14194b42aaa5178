import {
  type FieldNode,
  type GraphQLCompositeType,
  type GraphQLField,
  GraphQLIncludeDirective,
  type GraphQLObjectType,
  type GraphQLResolveInfo,
  GraphQLSkipDirective,
  getDirectiveValues,
  getNamedType,
  isAbstractType,
  isCompositeType,
  isObjectType,
  type SelectionSetNode,
} from 'graphql';
import type { Queryable } from '../audit/writer.js';
import type { CaseFacts } from '../authz/case-facts.js';
import { type LoggedCategory, loggedCategory } from '../authz/decide.js';
import type { FieldCategory } from '../authz/field-categories.js';
import { decideRead } from '../authz/read-decision.js';
import type { Context } from './context.js';
import type { GuardExtensions } from './field-guard.js';

/**
 * What a command's answer will read of the command's patient, worked out before the
 * command's access-log row is written, so that one row says what the command wrote and
 * what its answer read (src/audit/README.md, "One row per patient, case and request").
 *
 * The walk follows the operation's selection set under the mutation field as execution
 * will (fragments, inline fragments, aliases, @skip/@include with the request's
 * variables, every possible type of a union or interface), takes each field's category
 * from the schema's field extensions (the field guard's declaration, the one table) and
 * decides it with the field guard's own decision (src/authz/read-decision.ts) on the
 * case as the command's transaction leaves it. A field refused is not read, and nothing
 * below it is either; a refusal is not named here (the guard logs it as DENIED).
 *
 * A field is named when it is selected, whether or not its list turns out empty: the row
 * may name a category the answer asked for and was allowed but found nothing of, never
 * leave out one it read. A field whose category depends on its object (an event's
 * payload) is decided for every kind of object the case holds.
 */

/** Whose data the command wrote: a case of a patient, or (a block) the patient alone. */
export interface AnswerSubject {
  patientId: string;
  /** The case as the transaction leaves it; null for a command on the patient outside any case. */
  facts: CaseFacts | null;
  protectedIdentity: boolean;
}

/**
 * The objects of a type a field with a BY_OBJECT category can be read on, in a case: their
 * categories are what the field can read. One entry per type that has such a field.
 */
const OBJECTS_OF_CASE: Record<string, (db: Queryable, caseId: string) => Promise<object[]>> = {
  // The payload's category depends on the event type alone: one object per type suffices.
  CaseEvent: async (db, caseId) =>
    (
      await db.query<{ type: string }>(
        'SELECT DISTINCT type::text AS type FROM case_event WHERE case_id = $1::uuid',
        [caseId],
      )
    ).rows.map((row) => ({ caseId, type: row.type })),
};

/** The Patient's own fields are the patient's, outside any case; all others are a case's. */
const PATIENT_TYPE = 'Patient';

export async function answerReads(
  ctx: Context,
  info: GraphQLResolveInfo,
  subject: AnswerSubject,
  db: Queryable,
): Promise<LoggedCategory[]> {
  const named = new Set<LoggedCategory>();
  const objects = new Map<string, Promise<object[]>>();
  const objectsOf = (typeName: string): Promise<object[]> => {
    const load = OBJECTS_OF_CASE[typeName];
    if (!load || !subject.facts) {
      throw new Error(`no way to know the objects of ${typeName} a category depends on`);
    }
    let loaded = objects.get(typeName);
    if (!loaded) {
      loaded = load(db, subject.facts.caseId);
      objects.set(typeName, loaded);
    }
    return loaded;
  };

  /** Decides one selected field; true when some of it is read (so its selection runs). */
  const decide = async (
    type: GraphQLObjectType,
    field: GraphQLField<unknown, unknown>,
  ): Promise<boolean> => {
    const guard = field.extensions as Partial<GuardExtensions>;
    if (!guard.category) return true;
    const ofPatient = type.name === PATIENT_TYPE;
    const categories: FieldCategory[] =
      guard.category === 'BY_OBJECT'
        ? (await objectsOf(type.name)).map((o) => guard.categoryOf!(o as never))
        : [guard.category];
    let read = false;
    for (const declared of categories) {
      const { category, decision } = decideRead(ctx.principal, ctx.actor, {
        category: declared,
        facts: ofPatient ? null : subject.facts,
        protectedIdentity: ofPatient ? subject.protectedIdentity : undefined,
        paymentRelevant: guard.paymentRelevant ?? false,
      });
      if (!decision.allowed) continue;
      named.add(loggedCategory(category, decision));
      read = true;
    }
    return read;
  };

  const walk = async (type: GraphQLObjectType, nodes: readonly FieldNode[]): Promise<void> => {
    // A command on the patient alone (a block) logs only the patient's own fields: what its
    // answer reads of the patient's cases is logged as reads of those cases.
    if (!subject.facts && type.name !== PATIENT_TYPE && readsPatientData(type)) return;
    for (const fieldNodes of collectFields(info, type, nodes).values()) {
      const field = type.getFields()[fieldNodes[0]!.name.value];
      if (!field) continue; // __typename and the other meta fields
      if (!(await decide(type, field))) continue;
      const named = getNamedType(field.type);
      if (!isCompositeType(named)) continue;
      for (const possible of possibleTypes(info, named)) await walk(possible, fieldNodes);
    }
  };

  for (const possible of possibleTypes(info, getNamedType(info.returnType) as GraphQLCompositeType))
    await walk(possible, info.fieldNodes);
  return [...named].sort();
}

/** Whether a type has fields of patient data (a guarded field). */
function readsPatientData(type: GraphQLObjectType): boolean {
  return Object.values(type.getFields()).some(
    (field) => (field.extensions as Partial<GuardExtensions>).category !== undefined,
  );
}

function possibleTypes(
  info: GraphQLResolveInfo,
  type: GraphQLCompositeType,
): readonly GraphQLObjectType[] {
  return isAbstractType(type) ? info.schema.getPossibleTypes(type) : [type];
}

/**
 * The fields a selection set selects on an object type, by response key, as execution
 * collects them (graphql-js collectFields): aliases apart, @skip and @include with the
 * request's variables, fragments whose type condition the type meets.
 */
function collectFields(
  info: GraphQLResolveInfo,
  type: GraphQLObjectType,
  nodes: readonly FieldNode[],
): Map<string, FieldNode[]> {
  const fields = new Map<string, FieldNode[]>();
  const visited = new Set<string>();
  const collect = (selectionSet: SelectionSetNode | undefined): void => {
    for (const selection of selectionSet?.selections ?? []) {
      if (!included(info, selection)) continue;
      if (selection.kind === 'Field') {
        const key = selection.alias?.value ?? selection.name.value;
        fields.set(key, [...(fields.get(key) ?? []), selection]);
      } else if (selection.kind === 'InlineFragment') {
        if (applies(info, type, selection.typeCondition?.name.value)) {
          collect(selection.selectionSet);
        }
      } else {
        const name = selection.name.value;
        const fragment = info.fragments[name];
        if (visited.has(name) || !fragment) continue;
        visited.add(name);
        if (applies(info, type, fragment.typeCondition.name.value)) collect(fragment.selectionSet);
      }
    }
  };
  for (const node of nodes) collect(node.selectionSet);
  return fields;
}

function included(
  info: GraphQLResolveInfo,
  node: Parameters<typeof getDirectiveValues>[1],
): boolean {
  if (getDirectiveValues(GraphQLSkipDirective, node, info.variableValues)?.if === true) {
    return false;
  }
  return getDirectiveValues(GraphQLIncludeDirective, node, info.variableValues)?.if !== false;
}

function applies(
  info: GraphQLResolveInfo,
  type: GraphQLObjectType,
  condition: string | undefined,
): boolean {
  if (!condition) return true;
  const conditionType = info.schema.getType(condition);
  if (!conditionType || !isCompositeType(conditionType)) return false;
  if (isObjectType(conditionType)) return conditionType === type;
  return isAbstractType(conditionType) && info.schema.isSubType(conditionType, type);
}
