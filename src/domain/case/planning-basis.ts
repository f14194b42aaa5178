/**
 * The planning basis (planeringsunderlag): what the ward tells the municipality and
 * primary care about the patient so they can plan support after discharge. Regions set
 * the content in their routines; these fields are the ones they have in common.
 */
import type { DomainError, Result } from './model.js';
import { fail, ok, refusal } from './result.js';
import {
  checkIsoDate,
  checkListLength,
  checkOptionalText,
  checkText,
  firstRefusal,
  LONG_TEXT,
  optionalText,
  SHORT_TEXT,
  TEXT,
} from './validation.js';

export type AdlLevel = 'INDEPENDENT' | 'PARTLY_DEPENDENT' | 'DEPENDENT' | 'NOT_ASSESSED';

const ADL_LEVELS: readonly AdlLevel[] = [
  'INDEPENDENT',
  'PARTLY_DEPENDENT',
  'DEPENDENT',
  'NOT_ASSESSED',
];

/** Katz ADL index: the six personal activities of daily living assessed in Swedish care. */
export interface KatzAdl {
  bathing: AdlLevel;
  dressing: AdlLevel;
  toileting: AdlLevel;
  transferring: AdlLevel;
  continence: AdlLevel;
  feeding: AdlLevel;
}

export type PlanningBasis = {
  /** Why the patient is in hospital, in words the receivers can act on. */
  diagnosisSummary: string;
  /** Mobility, cognition and communication as the ward assesses them now. */
  functionalStatus: string;
  adl: KatzAdl;
  /** Housing and support before admission (e.g. lives alone, home care twice a day). */
  livingSituation: string | null;
  /** The support the ward expects the patient to need after discharge. */
  expectedNeeds: string;
  assistiveAids: string[];
  /** The ward's estimate of when the patient will be ready for discharge. */
  estimatedReadyOn: string | null;
};

export function parsePlanningBasis(input: PlanningBasis): Result<PlanningBasis> {
  const refused =
    checkText(input.diagnosisSummary, 'diagnosisSummary', LONG_TEXT) ??
    checkText(input.functionalStatus, 'functionalStatus', LONG_TEXT) ??
    checkAdl(input.adl) ??
    checkOptionalText(input.livingSituation, 'livingSituation', TEXT) ??
    checkText(input.expectedNeeds, 'expectedNeeds', LONG_TEXT) ??
    checkListLength(input.assistiveAids, 'assistiveAids', 0) ??
    firstRefusal(input.assistiveAids, (aid, i) =>
      checkText(aid, `assistiveAids[${i}]`, SHORT_TEXT),
    ) ??
    checkIsoDate(input.estimatedReadyOn, 'estimatedReadyOn');
  if (refused) return fail(refused);
  return ok({
    diagnosisSummary: input.diagnosisSummary.trim(),
    functionalStatus: input.functionalStatus.trim(),
    adl: { ...input.adl },
    livingSituation: optionalText(input.livingSituation),
    expectedNeeds: input.expectedNeeds.trim(),
    assistiveAids: input.assistiveAids.map((aid) => aid.trim()),
    estimatedReadyOn: input.estimatedReadyOn,
  });
}

function checkAdl(adl: KatzAdl): DomainError | undefined {
  const activities: (keyof KatzAdl)[] = [
    'bathing',
    'dressing',
    'toileting',
    'transferring',
    'continence',
    'feeding',
  ];
  const unknown = activities.find((activity) => !ADL_LEVELS.includes(adl[activity]));
  return unknown === undefined
    ? undefined
    : refusal(
        'INVALID_INPUT',
        `adl.${unknown} must be one of ${ADL_LEVELS.join(', ')}`,
        `adl.${unknown}`,
        {
          allowed: ADL_LEVELS.join(', '),
        },
      );
}
