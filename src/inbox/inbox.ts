/**
 * A unit's work queue (inkorg): what was sent to the acting unit that it has not
 * acknowledged, and the steps of its cases that the unit owes, each with its due time,
 * ordered by deadline. Which cases are seen is the row rule of src/authz/case-access.ts
 * (the same `visibleCaseWhere` as `cases`); which deadlines exist and what is late is
 * src/domain/deadlines. The GraphQL type (src/graphql/types/inbox.ts) puts every field of
 * an item behind the field guard, so reads are logged like any other.
 */
import { type Viewer, visibleCaseWhere } from '../authz/case-access.js';
import type { PrismaClient } from '../db/client.js';
import type { CaseEventType } from '../db/generated/prisma/enums.js';
import { acknowledgementDeadline, caseDeadlines } from '../domain/deadlines/case-deadlines.js';
import {
  DEADLINE_STEPS,
  type DeadlineRules,
  type DeadlineStep,
} from '../domain/deadlines/rules.js';
import { DEADLINE_FACTS_SELECT, deadlineFacts, regionOf } from './case-facts.js';

export type InboxItemKind = 'MESSAGE' | 'NEXT_STEP';

export interface InboxItem {
  /** Stable while queued: `m:<eventId>` for a message, `s:<caseId>:<step>` for a step. */
  id: string;
  kind: InboxItemKind;
  /** ACKNOWLEDGEMENT for a message; the owed step otherwise. */
  step: DeadlineStep;
  caseId: string;
  patientId: string;
  eventId: string | null;
  messageType: CaseEventType | null;
  /** When the message arrived, or when the step's clock started. */
  since: Date;
  dueAt: Date | null;
  overdue: boolean;
}

export interface InboxFilter {
  kinds?: readonly InboxItemKind[] | null;
  steps?: readonly DeadlineStep[] | null;
  messageTypes?: readonly CaseEventType[] | null;
  /** Only items that arrived at or after … */
  since?: Date | null;
  /** … and before (exclusive): "older than". */
  before?: Date | null;
  overdue?: boolean | null;
}

/** A message still needs its receipt while its case is not closed. */
const ACKNOWLEDGEABLE = { not: 'CLOSED' } as const;
const OPEN = ['PLANNING', 'READY_FOR_DISCHARGE', 'DISCHARGE_ANNOUNCED'] as const;

/** What an item's id names: a message, or a step of a case. */
export type InboxItemName =
  | { kind: 'MESSAGE'; eventId: string }
  | { kind: 'NEXT_STEP'; caseId: string; step: DeadlineStep };

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const ITEM_ID = new RegExp(`^(?:m:(${UUID})|s:(${UUID}):([A-Z_]+))$`);

/** What an item id names, or null when it is none (another form, or no such step). */
export function parseInboxItemId(id: string): InboxItemName | null {
  const match = ITEM_ID.exec(id);
  if (!match) return null;
  const [, eventId, caseId, step] = match;
  if (eventId) return { kind: 'MESSAGE', eventId };
  const known = DEADLINE_STEPS.find((s) => s === step);
  return caseId && known ? { kind: 'NEXT_STEP', caseId, step: known } : null;
}

/** Every item of the acting unit's queue, ordered by deadline (none last), then age. */
export function loadInbox(
  prisma: PrismaClient,
  viewer: Viewer,
  versions: readonly DeadlineRules[],
  filter: InboxFilter = {},
): Promise<InboxItem[]> {
  return queue(prisma, viewer, versions, filter, null);
}

/**
 * The one item an id names, computed now as the whole queue computes it (the same rules,
 * for the same acting unit), only for its message or its case: null when the item is not
 * in the unit's queue (acknowledged, done, the case closed or no longer the unit's, not
 * visible) or never was.
 */
export async function loadInboxItem(
  prisma: PrismaClient,
  viewer: Viewer,
  versions: readonly DeadlineRules[],
  name: InboxItemName,
): Promise<InboxItem | null> {
  const [filter, id]: [InboxFilter, string] =
    name.kind === 'MESSAGE'
      ? [{ kinds: ['MESSAGE'] }, `m:${name.eventId}`]
      : [{ kinds: ['NEXT_STEP'], steps: [name.step] }, `s:${name.caseId}:${name.step}`];
  const items = await queue(prisma, viewer, versions, filter, name);
  return items.find((item) => item.id === id) ?? null;
}

/** The queue, or (`only`) the part of it that one message or one case contributes. */
async function queue(
  prisma: PrismaClient,
  viewer: Viewer,
  versions: readonly DeadlineRules[],
  filter: InboxFilter,
  only: InboxItemName | null,
): Promise<InboxItem[]> {
  const unitId = viewer.actor?.unitId;
  if (!unitId) return [];
  const now = viewer.now();
  const wants = (kind: InboxItemKind) => !filter.kinds?.length || filter.kinds.includes(kind);
  const visible = visibleCaseWhere(viewer);

  const [messages, cases] = await Promise.all([
    wants('MESSAGE') && (!filter.steps?.length || filter.steps.includes('ACKNOWLEDGEMENT'))
      ? prisma.caseEvent.findMany({
          where: {
            ...(only?.kind === 'MESSAGE' ? { id: only.eventId } : {}),
            recipients: { some: { unitId } },
            acknowledgements: { none: { unitId } },
            ...(filter.messageTypes?.length ? { type: { in: [...filter.messageTypes] } } : {}),
            case: { AND: [visible, { status: ACKNOWLEDGEABLE }] },
          },
          select: {
            id: true,
            caseId: true,
            type: true,
            occurredAt: true,
            case: {
              select: {
                patientId: true,
                parties: DEADLINE_FACTS_SELECT.parties,
              },
            },
          },
        })
      : [],
    wants('NEXT_STEP') && !filter.messageTypes?.length
      ? prisma.case.findMany({
          where: {
            AND: [
              ...(only?.kind === 'NEXT_STEP' ? [{ id: only.caseId }] : []),
              visible,
              { parties: { some: { unitId, leftAt: null } } },
              { status: { in: [...OPEN] } },
            ],
          },
          select: DEADLINE_FACTS_SELECT,
        })
      : [],
  ]);

  const items: InboxItem[] = [];
  for (const m of messages) {
    const deadline = acknowledgementDeadline(versions, regionOf(m.case), m.occurredAt, null, now);
    items.push({
      id: `m:${m.id}`,
      kind: 'MESSAGE',
      step: 'ACKNOWLEDGEMENT',
      caseId: m.caseId,
      patientId: m.case.patientId,
      eventId: m.id,
      messageType: m.type,
      since: m.occurredAt,
      dueAt: deadline.dueAt,
      overdue: deadline.late,
    });
  }
  for (const row of cases) {
    for (const d of caseDeadlines(deadlineFacts(row), versions, now)) {
      if (!d.owedBy.includes(unitId)) continue;
      items.push({
        id: `s:${row.id}:${d.step}`,
        kind: 'NEXT_STEP',
        step: d.step,
        caseId: row.id,
        patientId: row.patientId,
        eventId: null,
        messageType: null,
        since: d.since,
        dueAt: d.dueAt,
        overdue: d.late,
      });
    }
  }
  return items.filter((item) => matches(item, filter)).sort(compareItems);
}

function matches(item: InboxItem, filter: InboxFilter): boolean {
  if (filter.steps?.length && !filter.steps.includes(item.step)) return false;
  if (filter.since && item.since.getTime() < filter.since.getTime()) return false;
  if (filter.before && item.since.getTime() >= filter.before.getTime()) return false;
  if (filter.overdue != null && item.overdue !== filter.overdue) return false;
  return true;
}

/** The sort key of an item, as its cursor encodes it: due time (none last), arrival, id. */
export function sortKey(item: Pick<InboxItem, 'dueAt' | 'since' | 'id'>): [number, number, string] {
  return [item.dueAt?.getTime() ?? Number.POSITIVE_INFINITY, item.since.getTime(), item.id];
}

export function compareKeys(a: [number, number, string], b: [number, number, string]): number {
  if (a[0] !== b[0]) return a[0] < b[0] ? -1 : 1;
  if (a[1] !== b[1]) return a[1] - b[1];
  return a[2] < b[2] ? -1 : a[2] > b[2] ? 1 : 0;
}

function compareItems(a: InboxItem, b: InboxItem): number {
  return compareKeys(sortKey(a), sortKey(b));
}
