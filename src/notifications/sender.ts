import type { Logger } from '../http/logger.js';
import { maskAddress, type NotificationChannel } from './address.js';

/** One notification to send: where, for which unit, and its patient-free text. */
export interface OutgoingNotification {
  channel: NotificationChannel;
  /** The full address (E.164 phone number or e-mail address). */
  address: string;
  unitName: string;
  subject: string;
  text: string;
}

/**
 * Where notifications leave Brygga: an SMS gateway, a mail server, or the log. send()
 * resolves once the message is handed over and throws when it was not; the task records
 * the error and graphile-worker tries again with backoff. A sender may be called twice for
 * one notification (a crash between handing over and recording it): the text is the same.
 */
export interface NotificationSender {
  /** Its name in logs and the config reference (NOTIFICATION_SENDER). */
  readonly name: string;
  send(notification: OutgoingNotification): Promise<void>;
}

/**
 * The default: one log line per notification with its channel, masked address, unit and
 * text, for development, the demo, and an installation whose gateway is not set up yet.
 */
export function loggingSender(logger: Logger): NotificationSender {
  return {
    name: 'log',
    async send(notification) {
      logger.info('notification', {
        area: 'notifications',
        channel: notification.channel,
        address: maskAddress(notification.channel, notification.address),
        unit: notification.unitName,
        text: notification.text,
      });
    },
  };
}

/** The senders NOTIFICATION_SENDER can name. */
export const NOTIFICATION_SENDERS = ['log'] as const;
export type NotificationSenderName = (typeof NOTIFICATION_SENDERS)[number];

export function senderNamed(name: NotificationSenderName, logger: Logger): NotificationSender {
  switch (name) {
    case 'log':
      return loggingSender(logger);
  }
}
