import type { AccessActivity } from './access-recorder.js';

/**
 * How much an activity weighs when one request did several things with one patient: the
 * log keeps one row per patient and request, with the strongest. Emergency opening is
 * strongest because it must never be hidden behind an ordinary read.
 */
const STRENGTH: Record<AccessActivity, number> = {
  READ: 0,
  PRINT: 1,
  CREATE: 2,
  CHANGE: 3,
  DELETE: 4,
  EMERGENCY_ACCESS: 5,
};

export function strongerActivity(a: AccessActivity, b: AccessActivity): AccessActivity {
  return STRENGTH[b] > STRENGTH[a] ? b : a;
}

/** Inera's log-model names, which security officers and patients know. */
export const INERA_ACTIVITY_NAMES: Record<AccessActivity, string> = {
  READ: 'Läsa',
  CREATE: 'Skriva',
  CHANGE: 'Skriva',
  PRINT: 'Utskrift',
  DELETE: 'Radera',
  EMERGENCY_ACCESS: 'Nödöppning',
};
