import { z } from 'zod';
import { NotificationCommandError } from './errors.js';

export type NotificationChannel = 'EMAIL' | 'SMS';

// zod's own rules: E.164 (`+`, country code, up to 15 digits) and a plain e-mail address.
const phoneNumber = z.e164();
const emailAddress = z.email().max(254);

/**
 * The address a subscription is sent to, checked for its channel: an SMS goes to a phone
 * number in E.164 form (+46701234567: no spaces, no leading 0), an e-mail to an address.
 * Surrounding blanks are dropped; an e-mail address is kept in lower case, so the same
 * address cannot be subscribed twice in two spellings.
 */
export function parseAddress(channel: NotificationChannel, given: string, field: string): string {
  const trimmed = given.trim();
  if (channel === 'SMS') {
    if (!phoneNumber.safeParse(trimmed).success) {
      throw new NotificationCommandError(
        'INVALID_PHONE_NUMBER',
        'An SMS goes to a phone number in E.164 form: +, the country code and the number, digits only (e.g. +46701234567).',
        field,
      );
    }
    return trimmed;
  }
  const lower = trimmed.toLowerCase();
  if (!emailAddress.safeParse(lower).success) {
    throw new NotificationCommandError(
      'INVALID_EMAIL_ADDRESS',
      'An e-mail notification goes to an e-mail address (name@example.se).',
      field,
    );
  }
  return lower;
}

/**
 * An address as logs and the outbox history show it: enough to tell two apart, not enough
 * to use (+46•••••••67, a•••@example.se).
 */
export function maskAddress(channel: NotificationChannel, address: string): string {
  if (channel === 'SMS') {
    const country = address.slice(0, 3);
    return `${country}${'•'.repeat(Math.max(address.length - 5, 1))}${address.slice(-2)}`;
  }
  const at = address.lastIndexOf('@');
  if (at < 1) return '•••';
  return `${address[0]}•••${address.slice(at)}`;
}
