import { encodeGlobalID } from '@pothos/plugin-relay';
import { requireNotificationAdmin } from '../../notifications/access.js';
import { maskAddress } from '../../notifications/address.js';
import { NOTIFICATION_ERROR_CODES, NotificationCommandError } from '../../notifications/errors.js';
import { addSubscription, endSubscription } from '../../notifications/subscriptions.js';
import { builder } from '../builder.js';
import type { Context } from '../context.js';
import { decodeId, globalIdOf, nodeUuid } from '../global-id.js';
import { selecting } from '../prisma-query.js';
import { resultErrorType } from './result-error.js';

/**
 * A unit's e-mail and SMS notifications (src/notifications): its subscriptions, set up
 * and ended by its own staff, and the outbox of what was sent. Nothing here is patient
 * data: a notification says only that something new waits for the unit.
 */

const NotificationChannel = builder.enumType('NotificationChannel', {
  description: 'How a notification reaches the unit’s staff.',
  values: {
    EMAIL: { description: 'An e-mail to an address.' },
    SMS: { description: 'An SMS to a phone number (E.164).' },
  } as const,
});

const NotificationStatus = builder.enumType('NotificationStatus', {
  description: 'What became of a notification.',
  values: {
    PENDING: {
      description:
        'Not sent yet: due at `sendAt`, or being tried again after a failed attempt (`lastError`).',
    },
    SENT: { description: 'Handed to the channel’s gateway at `sentAt`.' },
    FAILED: { description: 'Every attempt failed; `lastError` says why. It is not tried again.' },
    CANCELLED: { description: 'The subscription ended before it was sent.' },
  } as const,
});

const notificationResult = resultErrorType(NotificationCommandError, {
  name: 'NotificationError',
  codes: NOTIFICATION_ERROR_CODES,
  description:
    'Why a notification subscription was refused or not ended. A refused command writes nothing.',
});

/**
 * How `node(id:)` finds a subscription or a notification: under the check of its list (the
 * grant to run the unit's cases, for the acting unit; anyone else FORBIDDEN, or
 * UNAUTHENTICATED without a token), and only the acting unit's: another unit's is null.
 */
const ofActingUnit = (id: string, ctx: Context) => ({
  id: nodeUuid(id),
  unitId: requireNotificationAdmin(ctx).unitId,
});

builder.prismaNode('NotificationSubscription', {
  description:
    'Your unit’s subscription to be told, by e-mail or SMS, that something new waits for it in Brygga. `node(id:)` loads it for whoever `notificationSubscriptions` lists it to: the staff who run the cases of its unit, acting for that unit.',
  id: {
    field: 'id',
    description: 'Its global id: pass it to `endNotificationSubscription` or `node(id:)`.',
  },
  nullable: true,
  findUnique: ofActingUnit,
  fields: (t) => ({
    channel: t.expose('channel', { type: NotificationChannel, description: 'E-mail or SMS.' }),
    address: t.exposeString('address', {
      description: 'The e-mail address, or the phone number in E.164 form.',
    }),
    active: t.exposeBoolean('active', {
      description: 'True until ended: only active subscriptions are notified.',
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was set up.' }),
    createdByHsaId: t.exposeString('createdByHsaId', {
      description: 'The employee HSA-ID of who set it up.',
    }),
    createdByName: t.exposeString('createdByName', { description: 'Their name.' }),
    endedAt: t.expose('endedAt', {
      type: 'DateTime',
      nullable: true,
      description: 'When it was ended; null while active.',
    }),
    endedByHsaId: t.exposeString('endedByHsaId', {
      nullable: true,
      description: 'The employee HSA-ID of who ended it; null while active.',
    }),
    endedByName: t.exposeString('endedByName', {
      nullable: true,
      description: 'Their name; null while active.',
    }),
  }),
});

builder.prismaNode('NotificationOutbox', {
  name: 'OutboxNotification',
  description:
    'One notification to one of your unit’s subscriptions: how many events it stands for (never which), when it is due, and what became of it. `node(id:)` loads it for whoever `notificationOutbox` lists it to, as a subscription.',
  id: { field: 'id', description: 'Its global id, for `node(id:)`.' },
  nullable: true,
  findUnique: ofActingUnit,
  fields: (t) => ({
    channel: t.field({
      type: NotificationChannel,
      description: 'The subscription’s channel.',
      select: { subscription: { select: { channel: true } } },
      resolve: (n) => n.subscription.channel,
    }),
    maskedAddress: t.string({
      description: 'The subscription’s address, masked as the logs show it (+46•••••••67).',
      select: { subscription: { select: { channel: true, address: true } } },
      resolve: (n) => maskAddress(n.subscription.channel, n.subscription.address),
    }),
    subscriptionId: t.id({
      ...globalIdOf('NotificationSubscription'),
      description:
        'The subscription it was sent to: its global id (`NotificationSubscription.id`), which `node(id:)` loads.',
      resolve: (n) => encodeGlobalID('NotificationSubscription', n.subscriptionId),
    }),
    status: t.expose('status', { type: NotificationStatus, description: 'Where it stands.' }),
    eventCount: t.exposeInt('eventCount', {
      description: 'How many events for your unit it stands for (those of its coalescing window).',
    }),
    firstEventAt: t.expose('firstEventAt', {
      type: 'DateTime',
      description: 'When the first of its events happened.',
    }),
    lastEventAt: t.expose('lastEventAt', {
      type: 'DateTime',
      description: 'When the last of its events happened.',
    }),
    sendAt: t.expose('sendAt', {
      type: 'DateTime',
      description: 'When it is (or was) due: at once, or when the coalescing window ends.',
    }),
    attempts: t.exposeInt('attempts', { description: 'Attempts made to send it.' }),
    lastAttemptAt: t.expose('lastAttemptAt', {
      type: 'DateTime',
      nullable: true,
      description: 'When it was last tried; null before the first attempt.',
    }),
    lastError: t.exposeString('lastError', {
      nullable: true,
      description: 'Why the last failed attempt failed, as the sender said; null if none failed.',
    }),
    sentAt: t.expose('sentAt', {
      type: 'DateTime',
      nullable: true,
      description: 'When it was handed to the gateway; null unless SENT.',
    }),
    text: t.exposeString('text', {
      nullable: true,
      description: 'The text sent (or tried); null before the first attempt.',
    }),
  }),
});

builder.queryField('notificationSubscriptions', (t) =>
  t.prismaField({
    type: ['NotificationSubscription'],
    description:
      'Your acting unit’s e-mail and SMS subscriptions, oldest first. For the staff who run the unit’s cases; FORBIDDEN for others.',
    authScopes: { actingUnit: true },
    args: {
      active: t.arg.boolean({
        required: false,
        description: 'Only active (true) or ended (false); all when omitted.',
      }),
    },
    resolve: (query, _root, args, ctx) => {
      const actor = requireNotificationAdmin(ctx);
      return ctx.prisma.notificationSubscription.findMany({
        ...selecting(query),
        where: { unitId: actor.unitId, ...(args.active == null ? {} : { active: args.active }) },
        orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      });
    },
  }),
);

builder.queryField('notificationOutbox', (t) =>
  t.prismaConnection({
    type: 'NotificationOutbox',
    cursor: 'id',
    description:
      'The notifications sent (or due, or failed) to your acting unit’s subscriptions, newest first. For the staff who run the unit’s cases; FORBIDDEN for others.',
    authScopes: { actingUnit: true },
    args: {
      status: t.arg({
        type: NotificationStatus,
        required: false,
        description: 'Only notifications in this status.',
      }),
    },
    totalCount: (_root, args, ctx) =>
      ctx.prisma.notificationOutbox.count({
        where: {
          unitId: requireNotificationAdmin(ctx).unitId,
          ...(args.status ? { status: args.status } : {}),
        },
      }),
    resolve: (query, _root, args, ctx) =>
      ctx.prisma.notificationOutbox.findMany({
        ...selecting(query),
        where: {
          unitId: requireNotificationAdmin(ctx).unitId,
          ...(args.status ? { status: args.status } : {}),
        },
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      }),
  }),
);

const AddSubscriptionInput = builder.inputType('AddNotificationSubscriptionInput', {
  description: 'Where your unit is to be told that something new waits for it.',
  fields: (t) => ({
    channel: t.field({ type: NotificationChannel, required: true, description: 'E-mail or SMS.' }),
    address: t.string({
      required: true,
      description:
        'For SMS a phone number in E.164 form (+46701234567); for EMAIL an e-mail address.',
    }),
  }),
});

builder.mutationField('addNotificationSubscription', (t) =>
  t.prismaField({
    type: 'NotificationSubscription',
    description:
      'Subscribes your acting unit to a notification by e-mail or SMS for every new event sent to it (at most one per coalescing window). The text never names a patient or case: only “Ny händelse för <unit> i Brygga”.',
    authScopes: { actingUnit: true },
    errors: notificationResult('The subscription, active from now.'),
    args: { input: t.arg({ type: AddSubscriptionInput, description: 'Channel and address.' }) },
    resolve: async (query, _root, { input }, ctx) => {
      const actor = requireNotificationAdmin(ctx);
      const id = await addSubscription(ctx.prisma, actor, input);
      return ctx.prisma.notificationSubscription.findUniqueOrThrow({
        ...selecting(query),
        where: { id },
      });
    },
  }),
);

const EndSubscriptionInput = builder.inputType('EndNotificationSubscriptionInput', {
  description: 'Which subscription of your unit to end.',
  fields: (t) => ({
    id: t.id({ required: true, description: 'The NotificationSubscription’s global id.' }),
  }),
});

builder.mutationField('endNotificationSubscription', (t) =>
  t.prismaField({
    type: 'NotificationSubscription',
    description:
      'Ends one of your unit’s subscriptions: nothing more is sent to it, also not what was due.',
    authScopes: { actingUnit: true },
    errors: notificationResult('The subscription, now ended.'),
    args: { input: t.arg({ type: EndSubscriptionInput, description: 'The subscription.' }) },
    resolve: async (query, _root, { input }, ctx) => {
      const actor = requireNotificationAdmin(ctx);
      const id = decodeId(
        input.id,
        'NotificationSubscription',
        'input.id',
        (message, field) => new NotificationCommandError('INVALID_ID', message, field),
      );
      await endSubscription(ctx.prisma, actor, id);
      return ctx.prisma.notificationSubscription.findUniqueOrThrow({
        ...selecting(query),
        where: { id },
      });
    },
  }),
);
