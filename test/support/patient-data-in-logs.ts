import { demoResidents } from '../../src/db/seed/demo-reference-data.js';
import { PERSONNUMMER_REPLACEMENT, PERSONNUMMER_SHAPE } from '../../src/http/logger.js';

/**
 * What of a patient a process's output gives away: any demo resident's personnummer (in
 * each way it is written) or full name, a surname as a word of its own, any
 * personnummer-shaped string, and the logger's scrubbing mark (a source that tried to
 * log one). Empty when the output is clean.
 */
export function patientDataIn(output: string): string[] {
  const residents = demoResidents(80);
  const exact = residents.flatMap((r) => {
    const digits = r.personalIdentityNumber.replace(/\D/g, '');
    return [
      r.personalIdentityNumber,
      digits,
      digits.slice(2),
      `${digits.slice(2, 8)}-${digits.slice(8)}`,
      `${r.givenName} ${r.familyName}`,
    ];
  });
  const surnames = [...new Set(residents.map((r) => r.familyName))];
  return [
    ...[...new Set(exact)].filter((value) => output.includes(value)),
    ...surnames.filter((name) => new RegExp(`\\b${name}\\b`).test(output)),
    ...(output.match(PERSONNUMMER_SHAPE) ?? []),
    ...(output.includes(PERSONNUMMER_REPLACEMENT) ? [PERSONNUMMER_REPLACEMENT] : []),
  ];
}
