/**
 * The one error a notification-subscription command can end with; GraphQL exposes it as
 * the `NotificationError` member of their result unions. A refused command writes nothing.
 */
export const NOTIFICATION_ERROR_CODES = [
  'INVALID_ID',
  'INVALID_PHONE_NUMBER',
  'INVALID_EMAIL_ADDRESS',
  'ALREADY_SUBSCRIBED',
  'SUBSCRIPTION_NOT_FOUND',
  'SUBSCRIPTION_ALREADY_ENDED',
] as const;

export type NotificationErrorCode = (typeof NOTIFICATION_ERROR_CODES)[number];

export class NotificationCommandError extends Error {
  constructor(
    readonly code: NotificationErrorCode,
    message: string,
    readonly field: string | null = null,
  ) {
    super(message);
    this.name = 'NotificationCommandError';
  }
}
