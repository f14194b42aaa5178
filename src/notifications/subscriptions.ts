import type { PrismaClient } from '../db/client.js';
import { Prisma } from '../db/generated/prisma/client.js';
import { type NotificationChannel, parseAddress } from './address.js';
import { NotificationCommandError } from './errors.js';

/** Who acts: the signed-in person and their acting unit. */
export interface SubscriptionActor {
  hsaId: string;
  name: string;
  unitId: string;
}

/**
 * Subscribes the actor's unit to notifications on a channel. It hears of the events
 * committed from now on: the subscription starts after the last committed position.
 */
export async function addSubscription(
  prisma: PrismaClient,
  actor: SubscriptionActor,
  input: { channel: NotificationChannel; address: string },
): Promise<string> {
  const address = parseAddress(input.channel, input.address, 'input.address');
  const last = await prisma.caseEventPosition.aggregate({ _max: { position: true } });
  try {
    const created = await prisma.notificationSubscription.create({
      data: {
        unitId: actor.unitId,
        channel: input.channel,
        address,
        fromPosition: last._max.position ?? 0n,
        createdByHsaId: actor.hsaId,
        createdByName: actor.name,
      },
      select: { id: true },
    });
    return created.id;
  } catch (error) {
    // notification_subscription_active_unique: the same unit, channel and address, active.
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') {
      throw new NotificationCommandError(
        'ALREADY_SUBSCRIBED',
        'Your unit already has an active subscription to that address on that channel.',
        'input.address',
      );
    }
    throw error;
  }
}

/** Ends one of the actor's unit's subscriptions; what it was sent stays in the outbox. */
export async function endSubscription(
  prisma: PrismaClient,
  actor: SubscriptionActor,
  subscriptionId: string,
): Promise<void> {
  const ended = await prisma.notificationSubscription.updateMany({
    where: { id: subscriptionId, unitId: actor.unitId, active: true },
    data: {
      active: false,
      endedAt: new Date(),
      endedByHsaId: actor.hsaId,
      endedByName: actor.name,
    },
  });
  if (ended.count === 1) return;
  const existing = await prisma.notificationSubscription.findFirst({
    where: { id: subscriptionId, unitId: actor.unitId },
    select: { active: true },
  });
  if (!existing) {
    throw new NotificationCommandError(
      'SUBSCRIPTION_NOT_FOUND',
      'Your unit has no notification subscription with that id.',
      'input.id',
    );
  }
  throw new NotificationCommandError(
    'SUBSCRIPTION_ALREADY_ENDED',
    'That subscription has already ended.',
    'input.id',
  );
}
