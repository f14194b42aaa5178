import type { AccessFlag, AccessOutcome } from '../../generated/graphql.js';

/** The access log's flags, in English with the Swedish term a security officer uses. */
export const FLAG_LABELS: Record<AccessFlag, { label: string; swedish: string }> = {
  EMERGENCY_ACCESS: { label: 'Emergency access', swedish: 'nödöppning' },
  PROTECTED_IDENTITY: { label: 'Protected identity', swedish: 'skyddade personuppgifter' },
  NOT_A_PARTY: { label: 'Not a party', swedish: 'ej part i ärendet' },
  OUT_OF_HOURS: { label: 'Out of hours', swedish: 'utanför kontorstid' },
  UNUSUAL_VOLUME: { label: 'Unusual volume', swedish: 'ovanligt många patienter' },
  PATIENT_PORTAL_DISCLOSURE: { label: 'Disclosed to 1177', swedish: 'utlämnande till invånaren' },
};

export const FLAGS = Object.keys(FLAG_LABELS) as AccessFlag[];

export const OUTCOME_LABELS: Record<AccessOutcome, string> = {
  SUCCESS: 'Succeeded',
  DENIED: 'Denied (nekad)',
  FAILED: 'Failed',
};
