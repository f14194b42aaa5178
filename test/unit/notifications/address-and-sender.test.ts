import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/http/logger.js';
import { maskAddress, parseAddress } from '../../../src/notifications/address.js';
import { NotificationCommandError } from '../../../src/notifications/errors.js';
import { loggingSender } from '../../../src/notifications/sender.js';
import { notificationText } from '../../../src/notifications/text.js';

const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    if (error instanceof NotificationCommandError) return [error.code, error.field];
    throw error;
  }
  return null;
};

describe('notification addresses', () => {
  it('takes a phone number in E.164 form only', () => {
    expect(parseAddress('SMS', ' +46701234567 ', 'f')).toBe('+46701234567');
    for (const bad of [
      '0701234567',
      '46701234567',
      '+46 70 123 45 67',
      '+46-70-1234567',
      '+0701234567',
      '+4670123456789012',
      '',
    ]) {
      expect(
        codeOf(() => parseAddress('SMS', bad, 'input.address')),
        bad,
      ).toEqual(['INVALID_PHONE_NUMBER', 'input.address']);
    }
  });

  it('takes an e-mail address, kept in lower case', () => {
    expect(parseAddress('EMAIL', 'Anna.Berg@Example.SE', 'f')).toBe('anna.berg@example.se');
    for (const bad of [
      'anna',
      'anna@',
      '@example.se',
      'anna berg@example.se',
      `${'a'.repeat(250)}@example.se`,
    ]) {
      expect(
        codeOf(() => parseAddress('EMAIL', bad, 'f')),
        bad,
      ).toEqual(['INVALID_EMAIL_ADDRESS', 'f']);
    }
  });

  it('masks an address for logs and the history', () => {
    expect(maskAddress('SMS', '+46701234567')).toBe('+46•••••••67');
    expect(maskAddress('EMAIL', 'anna.berg@example.se')).toBe('a•••@example.se');
  });
});

describe('the notification text', () => {
  it('names the unit and counts the events, nothing else', () => {
    expect(notificationText('Solna socialtjänst', 1)).toEqual({
      subject: 'Brygga: ny händelse',
      body: 'Ny händelse för Solna socialtjänst i Brygga',
    });
    expect(notificationText('Solna socialtjänst', 3).body).toBe(
      '3 nya händelser för Solna socialtjänst i Brygga',
    );
  });
});

describe('the logging sender', () => {
  it('logs channel, masked address, unit and text, and never the address itself', async () => {
    const lines: string[] = [];
    const logger = createLogger('info', { write: (line: string) => lines.push(line) });
    await loggingSender(logger).send({
      channel: 'SMS',
      address: '+46701234567',
      unitName: 'Solna socialtjänst',
      subject: 'Brygga: ny händelse',
      text: 'Ny händelse för Solna socialtjänst i Brygga',
    });
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({
      level: 'info',
      message: 'notification',
      channel: 'SMS',
      address: '+46•••••••67',
      unit: 'Solna socialtjänst',
      text: 'Ny händelse för Solna socialtjänst i Brygga',
    });
    expect(lines[0]).not.toContain('701234567');
  });
});
