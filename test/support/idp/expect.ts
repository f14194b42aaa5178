import { expect } from 'vitest';
import type { Harness } from './harness.js';

/**
 * A refused login: a plain-words HTML page (no stack trace, no library message), no
 * session, no cookie, and a LOGIN FAILURE identity event with one of the expected reasons.
 */
export async function expectLoginRefused(
  h: Harness,
  response: Response,
  reasons: string[],
  sessionsBefore: number,
  status = 400,
): Promise<void> {
  const body = await response.text();
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toMatch(/text\/html/);
  expect(body).toContain('You could not be logged in');
  expect(body).not.toMatch(/\bat [\w.<>]+ \(|Error:|node_modules|SamlRejection|xml-crypto|stack/i);
  expect(response.headers.getSetCookie().some((c) => c.startsWith('brygga_session='))).toBe(false);
  expect(await h.sessionCount()).toBe(sessionsBefore);
  const event = await h.lastLoginEvent();
  expect(event?.outcome).toBe('FAILURE');
  expect(reasons).toContain(event?.reason);
}
