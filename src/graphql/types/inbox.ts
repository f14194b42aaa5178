import { visibleCaseWhere } from '../../authz/case-access.js';
import { requireGrant } from '../../authz/require-grant.js';
import { acknowledgementDeadline, caseDeadlines } from '../../domain/deadlines/case-deadlines.js';
import { DEADLINE_FACTS_SELECT, deadlineFacts, regionOf } from '../../inbox/case-facts.js';
import {
  compareKeys,
  type InboxItem,
  loadInbox,
  loadInboxItem,
  parseInboxItemId,
  sortKey,
} from '../../inbox/inbox.js';
import { builder } from '../builder.js';
import { MAX_PAGE_SIZE } from '../connection-arguments.js';
import type { Context } from '../context.js';
import { BadInputError, ForbiddenError, UnauthenticatedError } from '../errors.js';
import { guard } from '../field-guard.js';
import { requireFilterGrant } from '../filter-grant.js';
import { CaseEventType } from './enums.js';

export const DeadlineStepEnum = builder.enumType('DeadlineStep', {
  description:
    'A step of coordinated discharge with a deadline in law or the regional routine (see `Deadline`).',
  values: {
    ADMISSION_NOTICE: {
      description: 'Inskrivningsmeddelande: within 24 h (regional: fewer) of the admission.',
    },
    ACKNOWLEDGEMENT: {
      description:
        'Kvittens of a message: by the end of the regional number of Swedish working days after it arrived.',
    },
    PLANNING_BASIS: {
      description:
        'Planeringsunderlag: within the regional hours (e.g. 48) of the admission notice.',
    },
    FIXED_CARE_CONTACT: {
      description: 'Fast vårdkontakt: named before the (planned) discharge.',
    },
    SIP_CALL: {
      description:
        'Kallelse till SIP: by the end of the 3rd calendar day after the ready notice, when the municipality takes part.',
    },
    DISCHARGE_INFORMATION: {
      description: 'Information vid utskrivning: no later than the day of discharge.',
    },
  } as const,
});

const InboxItemKindEnum = builder.enumType('InboxItemKind', {
  description: 'What an inbox item is.',
  values: {
    MESSAGE: { description: 'A message sent to your unit that it has not acknowledged.' },
    NEXT_STEP: { description: 'A step of a case that your unit owes.' },
  } as const,
});

interface DeadlineShape {
  caseId: string;
  patientId: string;
  step: InboxItem['step'];
  since: Date;
  dueAt: Date | null;
  doneAt: Date | null;
  late: boolean;
  owedBy: string[];
}

const ofDeadline = (d: { caseId: string; patientId: string }) => ({
  caseId: d.caseId,
  patientId: d.patientId,
});

export const DeadlineRef = builder.objectRef<DeadlineShape>('Deadline').implement({
  description:
    'A deadline of a case: when its clock started, when it is due, whether it is done and whether it is late. Computed from the regional routine in force when the clock started (versioned data), by the same rules as the inbox and the statistics.',
  fields: (t) => ({
    step: t.field({
      ...guard({ category: 'PLANNING', locate: ofDeadline }),
      type: DeadlineStepEnum,
      description: 'Which step.',
      resolve: (d) => d.step,
    }),
    since: t.field({
      ...guard({ category: 'PLANNING', locate: ofDeadline }),
      type: 'DateTime',
      description:
        'When the clock started (the admission, the admission notice, the ready notice).',
      resolve: (d) => d.since,
    }),
    dueAt: t.field({
      ...guard({ category: 'PLANNING', locate: ofDeadline }),
      type: 'DateTime',
      description:
        'The last instant at which the step is in time; null while it has none (a fixed care contact before a discharge date).',
      resolve: (d) => d.dueAt,
    }),
    doneAt: t.field({
      ...guard({ category: 'PLANNING', locate: ofDeadline }),
      type: 'DateTime',
      description: 'When the step was done; null while it is not.',
      resolve: (d) => d.doneAt,
    }),
    overdue: t.boolean({
      ...guard({ category: 'PLANNING', locate: ofDeadline }),
      description: 'Done after `dueAt`, or not done and `dueAt` has passed.',
      resolve: (d) => d.late,
    }),
    owedByYourUnit: t.boolean({
      ...guard({ category: 'PLANNING', locate: ofDeadline }),
      description: 'Whether your acting unit owes the step now.',
      resolve: (d, _args, ctx) => ctx.actor !== null && d.owedBy.includes(ctx.actor.unitId),
    }),
  }),
});

builder.prismaObjectField('Case', 'deadlines', (t) =>
  t.field({
    ...guard({
      category: 'PLANNING',
      locate: (c: { id: string; patientId: string }) => ({ caseId: c.id, patientId: c.patientId }),
    }),
    type: [DeadlineRef],
    description:
      'The deadlines of the case in the order of the process, each with its due time and whether it is overdue.',
    select: DEADLINE_FACTS_SELECT,
    resolve: async (c, _args, ctx) => {
      const versions = await ctx.services.deadlines.versions();
      return caseDeadlines(deadlineFacts(c), versions, ctx.now()).map((d) => ({
        ...d,
        caseId: c.id,
        patientId: c.patientId,
      }));
    },
  }),
);

const ofItem = (i: InboxItem) => ({ caseId: i.caseId, patientId: i.patientId });

const ACTING_UNIT_REFUSAL = 'Choose a commission first: the inbox is your acting unit’s.';

/**
 * Who may read the inbox, for `inbox` and `node(id:)` alike: an acting unit (as the
 * field's `actingUnit` scope demands; UNAUTHENTICATED without a token) and the PLANNING
 * grant (FORBIDDEN otherwise).
 */
function requireInbox(ctx: Context): void {
  if (!ctx.principal) throw new UnauthenticatedError();
  if (!ctx.actor) throw new ForbiddenError(ACTING_UNIT_REFUSAL);
  requireGrant(ctx, 'PLANNING');
}

export const InboxItemRef = builder.node(builder.objectRef<InboxItem>('InboxItem'), {
  description:
    'One entry of your unit’s work queue: a message to acknowledge, or a step of a case your unit owes, with its deadline. Computed, not stored: `node(id:)` computes it again for your acting unit, as `inbox` would list it now; null once it has left the queue (acknowledged, done, the case closed) or when it is not your unit’s.',
  id: {
    description:
      'The global id, stable for as long as the item is in the queue: keep it, pass it to `node(id:)`.',
    resolve: (i) => i.id,
  },
  loadOne: async (id, ctx) => {
    requireInbox(ctx);
    const name = parseInboxItemId(id);
    if (!name) throw new BadInputError('INVALID_ID', 'That is not the id of anything here.', 'id');
    const versions = await ctx.services.deadlines.versions();
    return loadInboxItem(ctx.prisma, ctx, versions, name);
  },
  fields: (t) => ({
    kind: t.field({
      ...guard({ category: 'PLANNING', locate: ofItem }),
      type: InboxItemKindEnum,
      description: 'A message or a next step.',
      resolve: (i) => i.kind,
    }),
    step: t.field({
      ...guard({ category: 'PLANNING', locate: ofItem }),
      type: DeadlineStepEnum,
      description: 'ACKNOWLEDGEMENT for a message; the owed step otherwise.',
      resolve: (i) => i.step,
    }),
    messageType: t.field({
      ...guard({ category: 'PLANNING', locate: ofItem }),
      type: CaseEventType,
      description: 'The kind of message; null for a next step.',
      resolve: (i) => i.messageType,
    }),
    since: t.field({
      ...guard({ category: 'PLANNING', locate: ofItem }),
      type: 'DateTime',
      description: 'When the message arrived, or when the step’s clock started.',
      resolve: (i) => i.since,
    }),
    dueAt: t.field({
      ...guard({ category: 'PLANNING', locate: ofItem }),
      type: 'DateTime',
      description: 'When it is due (the last instant in time); null when it has no due time yet.',
      resolve: (i) => i.dueAt,
    }),
    overdue: t.boolean({
      ...guard({ category: 'PLANNING', locate: ofItem }),
      description: 'Whether `dueAt` has passed.',
      resolve: (i) => i.overdue,
    }),
    case: t.prismaField({
      type: 'Case',
      nullable: true,
      description: 'The case; its fields follow the same rules as in `cases`.',
      resolve: (query, i, _args, ctx) =>
        ctx.prisma.case.findFirst({
          ...query,
          where: { id: i.caseId, AND: [visibleCaseWhere(ctx)] },
        }),
    }),
    message: t.prismaField({
      type: 'CaseEvent',
      nullable: true,
      description: 'The message to acknowledge; null for a next step.',
      resolve: (query, i, _args, ctx) => {
        // Taken before the branch: a next step has no message, and loads nothing.
        const planned = { ...query };
        return i.eventId === null
          ? null
          : ctx.prisma.caseEvent.findFirst({
              ...planned,
              where: { id: i.eventId, case: visibleCaseWhere(ctx) },
            });
      },
    }),
  }),
});

const InboxFilterInput = builder.inputType('InboxFilter', {
  description:
    'Narrows the inbox. Every condition given must hold. Filtering by message type needs the right to read the event list (PLANNING).',
  fields: (t) => ({
    kinds: t.field({
      type: [InboxItemKindEnum],
      required: false,
      description: 'Only messages, or only next steps.',
    }),
    steps: t.field({
      type: [DeadlineStepEnum],
      required: false,
      description: 'Only these steps (ACKNOWLEDGEMENT: messages).',
    }),
    messageTypes: t.field({
      type: [CaseEventType],
      required: false,
      description: 'Only messages of these kinds (leaves out next steps).',
    }),
    since: t.field({
      type: 'DateTime',
      required: false,
      description: 'Only items that arrived (or whose clock started) at or after.',
    }),
    before: t.field({
      type: 'DateTime',
      required: false,
      description: 'Only items that arrived before (exclusive): items older than a given age.',
    }),
    overdue: t.boolean({
      required: false,
      description: 'true: only overdue items; false: only items still in time.',
    }),
  }),
});

type Key = [number, number, string];

function encodeCursor(item: InboxItem): string {
  const [due, since, key] = sortKey(item);
  return Buffer.from(JSON.stringify([Number.isFinite(due) ? due : null, since, key])).toString(
    'base64url',
  );
}

function decodeCursor(cursor: string, name: 'after' | 'before'): Key {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(value) &&
      value.length === 3 &&
      (value[0] === null || Number.isFinite(value[0])) &&
      Number.isFinite(value[1]) &&
      typeof value[2] === 'string'
    ) {
      return [value[0] ?? Number.POSITIVE_INFINITY, value[1], value[2]];
    }
  } catch {}
  throw new BadInputError(
    'INVALID_CURSOR',
    `inbox: ${name} is not a cursor of this connection.`,
    name,
  );
}

const DEFAULT_PAGE = 20;

builder.queryField('inbox', (t) =>
  t.connection(
    {
      type: InboxItemRef,
      description:
        'Your acting unit’s work queue: messages sent to it that it has not acknowledged, and steps of its cases it owes, earliest deadline first (items without one last, then oldest first). The cursors are positions in that order, so a page stays right while items come and go.',
      authScopes: { actingUnit: true },
      extensions: { ownCursors: true },
      args: {
        filter: t.arg({ type: InboxFilterInput, required: false, description: 'Which items.' }),
      },
      resolve: async (_root, args, ctx) => {
        requireInbox(ctx);
        if (args.filter?.messageTypes?.length) requireFilterGrant(ctx, 'PLANNING', 'messageTypes');
        const versions = await ctx.services.deadlines.versions();
        const items = await loadInbox(ctx.prisma, ctx, versions, args.filter ?? {});
        const after = args.after ? decodeCursor(args.after, 'after') : null;
        const before = args.before ? decodeCursor(args.before, 'before') : null;
        const window = items.filter(
          (i) =>
            (after === null || compareKeys(sortKey(i), after) > 0) &&
            (before === null || compareKeys(sortKey(i), before) < 0),
        );
        const size = Math.min(args.last ?? args.first ?? DEFAULT_PAGE, MAX_PAGE_SIZE);
        const page = args.last != null ? window.slice(-size) : window.slice(0, size);
        const edges = page.map((node) => ({ cursor: encodeCursor(node), node }));
        return {
          totalCount: items.length,
          edges,
          pageInfo: {
            hasNextPage: args.last != null ? before !== null : window.length > page.length,
            hasPreviousPage: args.last != null ? window.length > page.length : after !== null,
            startCursor: edges[0]?.cursor ?? null,
            endCursor: edges.at(-1)?.cursor ?? null,
          },
        };
      },
    },
    {
      name: 'InboxConnection',
      description: 'One page of your unit’s inbox.',
      fields: (c) => ({
        totalCount: c.int({
          description: 'How many items the whole inbox has with this filter (all pages).',
          resolve: (connection) => (connection as unknown as { totalCount: number }).totalCount,
        }),
      }),
    },
  ),
);

builder.prismaObjectField('CaseEvent', 'acknowledgementDeadline', (t) =>
  t.field({
    ...guard({ category: 'PLANNING', locate: (e: { caseId: string }) => ({ caseId: e.caseId }) }),
    type: DeadlineRef,
    description:
      'When your acting unit must acknowledge this message, and whether it is overdue; null when the message was not sent to your unit.',
    select: {
      occurredAt: true,
      recipients: { select: { unitId: true } },
      acknowledgements: { select: { unitId: true, acknowledgedAt: true } },
      case: { select: { patientId: true, parties: DEADLINE_FACTS_SELECT.parties } },
    },
    resolve: async (e, _args, ctx) => {
      const unitId = ctx.actor?.unitId;
      if (!unitId || !e.recipients.some((r) => r.unitId === unitId)) return null;
      const acknowledgedAt =
        e.acknowledgements.find((a) => a.unitId === unitId)?.acknowledgedAt ?? null;
      const versions = await ctx.services.deadlines.versions();
      const d = acknowledgementDeadline(
        versions,
        regionOf(e.case),
        e.occurredAt,
        acknowledgedAt,
        ctx.now(),
      );
      return {
        ...d,
        step: 'ACKNOWLEDGEMENT' as const,
        owedBy: acknowledgedAt === null ? [unitId] : [],
        caseId: e.caseId,
        patientId: e.case.patientId,
      };
    },
  }),
);
