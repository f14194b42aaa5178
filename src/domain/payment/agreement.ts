/**
 * Agreements on payment responsibility (överenskommelser om betalningsansvar) as
 * versioned configuration. A region and its municipalities either agree their own rules
 * or fall back on the law's default (lag 2017:612, 5 kap.); the system expresses both as
 * data with a validity period and a price per day for each year, so that a change of rules
 * is a new agreement version, never an edit of the calculation.
 *
 * Three models:
 * - STATUTORY_DEFAULT: the law when nothing is agreed. The municipality pays for each day
 *   from three calendar days after it received the ready notice (utskrivningsklar), and
 *   only if it received both the admission notice (inskrivningsmeddelande) and the ready
 *   notice. It has no parameters: the law fixes them.
 * - INDIVIDUAL: days counted per patient with agreed free days (fristdagar), a notice
 *   cut-off time and exclusions (Stockholm's routine before 2020 is the worked example).
 * - AVERAGE: the municipality's average days from ready notice to discharge per month
 *   decides (Stockholm from 2020, Västra Götaland with its 3-month rolling average).
 */
import { z } from 'zod';
import {
  addDays,
  compareDates,
  type IsoDate,
  isIsoDate,
  isTimeOfDay,
  lastDayOfMonth,
  maxDate,
  minDate,
  monthOf,
  yearOf,
} from '../calendar.js';
import { type FieldIssue, fail, ok, type PaymentResult } from './errors.js';

const isoDate = (field: string) =>
  z
    .string({ error: `${field} must be a date written YYYY-MM-DD` })
    .refine(isIsoDate, { error: `${field} must be a real calendar date written YYYY-MM-DD` });

const nonEmpty = (field: string) =>
  z
    .string({ error: `${field} must be text` })
    .trim()
    .min(1, { error: `${field} must not be empty` });

/**
 * Messages for an object's own problems: missing altogether, or carrying fields the model
 * does not know (a misspelt parameter would otherwise be silently ignored).
 */
function objectError(what: string) {
  return (issue: z.core.$ZodRawIssue): string | undefined => {
    if (issue.code === 'invalid_type') return `${what} must be an object`;
    if (issue.code === 'unrecognized_keys') {
      const keys = (issue.keys as string[]).map((key) => `'${key}'`).join(', ');
      return `${what} has unknown field${issue.keys.length === 1 ? '' : 's'} ${keys}`;
    }
    return undefined;
  };
}

const wholeDays = (field: string) =>
  z
    .number({ error: `${field} must be a number of days` })
    .int({ error: `${field} must be a whole number of days` })
    .min(0, { error: `${field} must not be negative` })
    .max(365, { error: `${field} must be at most 365 days` });

/**
 * The care a price or a free-day rule is for. COMPULSORY_CARE is psychiatric care of a
 * patient under LPT/LRV going to compulsory outpatient care (ÖPT/ÖRV); it is psychiatric
 * care too, so without a price of its own it takes the psychiatric one.
 */
export const CARE_TYPES = ['SOMATIC', 'PSYCHIATRIC', 'COMPULSORY_CARE'] as const;
export type CareType = (typeof CARE_TYPES)[number];

const priceSchema = z.strictObject(
  {
    /** Absent: the price of every care type without a price of its own that year. */
    careType: z
      .enum(CARE_TYPES, { error: 'careType must be SOMATIC, PSYCHIATRIC or COMPULSORY_CARE' })
      .nullable()
      .default(null),
    year: z
      .number({ error: 'year must be a number' })
      .int({ error: 'year must be a whole year, e.g. 2022' })
      .min(2018, { error: 'year must be 2018 or later (lag 2017:612 is in force from 2018)' })
      .max(2100, { error: 'year must be 2100 or earlier' }),
    pricePerDay: z
      .number({ error: 'pricePerDay must be an amount in SEK' })
      .positive({ error: 'pricePerDay must be more than 0 SEK' })
      .refine((n) => Math.abs(n * 100 - Math.round(n * 100)) < 1e-6, {
        error: 'pricePerDay must have at most two decimals (öre)',
      }),
  },
  { error: objectError('a price') },
);

const agreementBase = {
  id: nonEmpty('id'),
  /** Shown in reasons and on the invoice basis, e.g. "Region Stockholm – länets kommuner 2019". */
  name: nonEmpty('name'),
  /**
   * null only for the law's default itself (a STATUTORY_DEFAULT version valid for the whole
   * country), which applies wherever neither a municipality nor its region has an agreement.
   */
  regionId: nonEmpty('regionId').nullable(),
  /** null: the agreement covers every municipality of the region that has none of its own. */
  municipalityId: nonEmpty('municipalityId').nullable(),
  validFrom: isoDate('validFrom'),
  /** Inclusive; null while the agreement has no end. */
  validTo: isoDate('validTo').nullable(),
  /** Price per day (belopp per vårddygn) per calendar year, in SEK. */
  prices: z
    .array(priceSchema, { error: 'prices must be a list of { year, pricePerDay }' })
    .min(1, { error: 'prices must name the price per day of at least one year' }),
};

const individualParameters = z.strictObject(
  {
    /**
     * Free days (fristdagar) before payment starts, counted in calendar days from day 0, the
     * day the ready notice counts as sent. Somatic and psychiatric 24-hour care differ:
     * Stockholm's routine has 2 and 5.
     */
    freeDays: z.strictObject(
      {
        somatic: wholeDays('freeDays.somatic'),
        psychiatric: wholeDays('freeDays.psychiatric'),
      },
      { error: objectError('freeDays { somatic, psychiatric }') },
    ),
    /**
     * CALENDAR_DAYS: every day counts as a free day. WORKING_DAYS: only Monday–Friday that
     * are not Swedish public holidays or midsommar-, jul- or nyårsafton count
     * (src/domain/swedish-holidays.ts); the weekends and holidays among or before the free
     * days are free as well, and every day after the last free day is paid. Absent:
     * CALENDAR_DAYS, as every agreement before working days could be expressed.
     */
    freeDayCounting: z
      .enum(['CALENDAR_DAYS', 'WORKING_DAYS'], {
        error: 'freeDayCounting must be CALENDAR_DAYS or WORKING_DAYS',
      })
      .default('CALENDAR_DAYS'),
    /**
     * Whether day 0 is one of the free days. With true (Stockholm) a notice on Monday and
     * 2 free days make Wednesday the first paid day; with false counting starts on Tuesday
     * and Thursday is the first paid day.
     */
    dayZeroCounts: z.boolean({ error: 'dayZeroCounts must be true or false' }),
    /**
     * A notice sent at or after this local time of day counts as sent the next day
     * (Stockholm: '12:00'); null when the time of day does not matter.
     */
    noticeCutoff: z
      .string({ error: 'noticeCutoff must be a time of day HH:MM or null' })
      .refine(isTimeOfDay, { error: 'noticeCutoff must be a time of day HH:MM (00:00–23:59)' })
      .nullable(),
    /** Whether the day of discharge itself is a paid day. The law counts it as not. */
    dischargeDayCounts: z.boolean({ error: 'dischargeDayCounts must be true or false' }),
    exclusions: z.strictObject(
      {
        /**
         * An admission notice sent later than this many hours after admission (or not at all)
         * removes payment responsibility for the stay; null: lateness does not matter.
         */
        lateAdmissionNotice: z
          .strictObject(
            {
              maxHoursAfterAdmission: z
                .number({ error: 'maxHoursAfterAdmission must be a number of hours' })
                .positive({ error: 'maxHoursAfterAdmission must be more than 0 hours' }),
            },
            { error: objectError('lateAdmissionNotice { maxHoursAfterAdmission } (or null)') },
          )
          .nullable(),
        /**
         * true: the days from a withdrawal (avbrott) of the ready status until a new ready
         * notice are not paid, and the new notice starts the free days again. false: the
         * withdrawal is disregarded and the first ready notice runs until discharge.
         */
        readyWithdrawn: z.boolean({ error: 'exclusions.readyWithdrawn must be true or false' }),
        /** true: days on which the patient has declined municipal support are not paid. */
        supportDeclined: z.boolean({ error: 'exclusions.supportDeclined must be true or false' }),
      },
      { error: objectError('exclusions { lateAdmissionNotice, readyWithdrawn, supportDeclined }') },
    ),
  },
  {
    error: objectError(
      'the INDIVIDUAL parameters { freeDays, freeDayCounting, dayZeroCounts, noticeCutoff, dischargeDayCounts, exclusions }',
    ),
  },
);

const averageParameters = z.strictObject(
  {
    /**
     * The average days from ready notice to discharge the municipality may reach without
     * paying (the agreed level, stepped down over the years in Stockholm).
     */
    allowedAverageDays: z
      .number({ error: 'allowedAverageDays must be a number of days' })
      .min(0, { error: 'allowedAverageDays must not be negative' })
      .max(365, { error: 'allowedAverageDays must be at most 365 days' })
      .refine((n) => Math.abs(n * 100 - Math.round(n * 100)) < 1e-6, {
        error: 'allowedAverageDays must have at most two decimals',
      }),
    /**
     * COUNTED_AS_DAY_0: a discharge on the day of the ready notice is a stay of 0 days in the
     * average (Stockholm). EXCLUDED: only stays of at least one day count (the national
     * indicator's definition).
     */
    sameDayDischarge: z.enum(['COUNTED_AS_DAY_0', 'EXCLUDED'], {
      error: 'sameDayDischarge must be COUNTED_AS_DAY_0 or EXCLUDED',
    }),
    /**
     * Months whose stays are pooled into the average that decides: 1 judges each month on
     * its own; 3 is Västra Götaland's rolling average over the month and the two before it.
     */
    windowMonths: z
      .number({ error: 'windowMonths must be a number of months' })
      .int({ error: 'windowMonths must be a whole number of months' })
      .min(1, { error: 'windowMonths must be at least 1' })
      .max(12, { error: 'windowMonths must be at most 12' }),
    /** When money moves: in the assessed month, or in the next period (Västra Götaland). */
    settlement: z.enum(['SAME_MONTH', 'NEXT_MONTH'], {
      error: 'settlement must be SAME_MONTH or NEXT_MONTH',
    }),
  },
  {
    error: objectError(
      'the AVERAGE parameters { allowedAverageDays, sameDayDischarge, windowMonths, settlement }',
    ),
  },
);

export const paymentAgreementSchema = z
  .discriminatedUnion(
    'model',
    [
      z.strictObject(
        { model: z.literal('STATUTORY_DEFAULT'), ...agreementBase },
        { error: objectError('a STATUTORY_DEFAULT agreement (the law fixes its rules)') },
      ),
      z.strictObject(
        {
          model: z.literal('INDIVIDUAL'),
          ...agreementBase,
          parameters: individualParameters,
        },
        { error: objectError('an INDIVIDUAL agreement') },
      ),
      z.strictObject(
        {
          model: z.literal('AVERAGE'),
          ...agreementBase,
          parameters: averageParameters,
        },
        { error: objectError('an AVERAGE agreement') },
      ),
    ],
    { error: 'model must be STATUTORY_DEFAULT, INDIVIDUAL or AVERAGE' },
  )
  .superRefine((agreement, ctx) => {
    if (agreement.validTo !== null && compareDates(agreement.validTo, agreement.validFrom) < 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['validTo'],
        message: `validTo ${agreement.validTo} is before validFrom ${agreement.validFrom}`,
      });
    }
    if (agreement.regionId === null) {
      if (agreement.model !== 'STATUTORY_DEFAULT') {
        ctx.addIssue({
          code: 'custom',
          path: ['regionId'],
          message: 'only the law’s default (STATUTORY_DEFAULT) applies without a region',
        });
      }
      if (agreement.municipalityId !== null) {
        ctx.addIssue({
          code: 'custom',
          path: ['municipalityId'],
          message: 'the law’s default for the whole country names no municipality',
        });
      }
    }
    const seen = new Set<string>();
    agreement.prices.forEach((price, index) => {
      const key = `${price.year}/${price.careType ?? 'ALL'}`;
      if (seen.has(key)) {
        ctx.addIssue({
          code: 'custom',
          path: ['prices', index, 'year'],
          message: `the price for ${price.year}${price.careType === null ? '' : ` (${price.careType})`} is given twice; keep one`,
        });
      }
      seen.add(key);
    });
    if (agreement.model === 'AVERAGE') {
      // The average's excess is priced for the municipality as a whole, not per case.
      agreement.prices.forEach((price, index) => {
        if (price.careType !== null) {
          ctx.addIssue({
            code: 'custom',
            path: ['prices', index, 'careType'],
            message:
              'an AVERAGE agreement prices the month’s excess days, not a care type; leave careType out',
          });
        }
      });
    }
    // The average is a monthly figure: an agreement starting or ending mid-month would
    // leave the month's stays without one model to judge them by.
    if (agreement.model === 'AVERAGE') {
      if (!agreement.validFrom.endsWith('-01')) {
        ctx.addIssue({
          code: 'custom',
          path: ['validFrom'],
          message: `an AVERAGE agreement must start on the first day of a month, not ${agreement.validFrom}`,
        });
      }
      if (
        agreement.validTo !== null &&
        agreement.validTo !== lastDayOfMonth(monthOf(agreement.validTo))
      ) {
        ctx.addIssue({
          code: 'custom',
          path: ['validTo'],
          message: `an AVERAGE agreement must end on the last day of a month, not ${agreement.validTo}`,
        });
      }
    }
  });

export type PaymentAgreement = z.output<typeof paymentAgreementSchema>;
export type PaymentModel = PaymentAgreement['model'];
export type StatutoryDefaultAgreement = Extract<PaymentAgreement, { model: 'STATUTORY_DEFAULT' }>;
export type IndividualAgreement = Extract<PaymentAgreement, { model: 'INDIVIDUAL' }>;
export type AverageAgreement = Extract<PaymentAgreement, { model: 'AVERAGE' }>;
export type IndividualParameters = IndividualAgreement['parameters'];
export type AverageParameters = AverageAgreement['parameters'];

/**
 * Under the statutory default the municipality pays from three calendar days after the
 * ready notice: day 0 is the notice day, so day 3 is the first paid day.
 */
export const STATUTORY_FIRST_PAID_DAY = 3;

/** A half-open period of calendar days [from, until), e.g. the month being invoiced. */
export interface DatePeriod {
  from: IsoDate;
  until: IsoDate;
}

/** Which agreements a case or an invoice is judged by. */
export interface AgreementParties {
  regionId: string;
  municipalityId: string;
}

function issuePath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((text, key) => {
    if (typeof key === 'number') return `${text}[${key}]`;
    return text === '' ? String(key) : `${text}.${String(key)}`;
  }, '');
}

function fieldIssues(error: z.ZodError): FieldIssue[] {
  return error.issues.map((issue) => ({ field: issuePath(issue.path), message: issue.message }));
}

function describeIssues(issues: readonly FieldIssue[]): string {
  return issues
    .map((issue) => (issue.field === '' ? issue.message : `${issue.field}: ${issue.message}`))
    .join('; ');
}

function labelOf(input: unknown): string {
  if (typeof input === 'object' && input !== null && 'id' in input) {
    const id = (input as { id: unknown }).id;
    if (typeof id === 'string' && id !== '') return `agreement '${id}'`;
  }
  return 'agreement';
}

/** Validates one agreement's configuration, e.g. a row and its parameters from the database. */
export function parseAgreement(input: unknown): PaymentResult<PaymentAgreement> {
  const parsed = paymentAgreementSchema.safeParse(input);
  if (parsed.success) return ok(parsed.data);
  const issues = fieldIssues(parsed.error);
  return fail(
    'INVALID_AGREEMENT',
    `${labelOf(input)} is invalid: ${describeIssues(issues)}`,
    issues,
  );
}

/** Validates each agreement and then the set as a whole (see validateAgreementSet). */
export function parseAgreements(
  inputs: readonly unknown[],
  invoicePeriod?: DatePeriod,
): PaymentResult<PaymentAgreement[]> {
  const agreements: PaymentAgreement[] = [];
  const problems: string[] = [];
  inputs.forEach((input, index) => {
    const parsed = parseAgreement(input);
    if (parsed.ok) agreements.push(parsed.value);
    else problems.push(`#${index + 1}: ${parsed.error.message}`);
  });
  if (problems.length > 0) return fail('INVALID_AGREEMENT', problems.join('\n'));
  const checked = validateAgreementSet(agreements, invoicePeriod);
  return checked.ok ? ok(agreements) : checked;
}

export function describeValidity(agreement: PaymentAgreement): string {
  return `${agreement.validFrom}–${agreement.validTo ?? 'open end'}`;
}

function describeScope(regionId: string | null, municipalityId: string | null): string {
  if (regionId === null) return 'the whole country (the law’s default)';
  return municipalityId === null
    ? `region ${regionId}, all municipalities without an agreement of their own`
    : `region ${regionId}, municipality ${municipalityId}`;
}

function describe(agreement: PaymentAgreement): string {
  return `'${agreement.id}' (${agreement.name}, ${describeValidity(agreement)})`;
}

export function isValidOn(agreement: PaymentAgreement, date: IsoDate): boolean {
  return (
    compareDates(agreement.validFrom, date) <= 0 &&
    (agreement.validTo === null || compareDates(date, agreement.validTo) <= 0)
  );
}

function overlap(
  a: PaymentAgreement,
  b: PaymentAgreement,
): { from: IsoDate; to: IsoDate | null } | null {
  const from = maxDate(a.validFrom, b.validFrom);
  const to =
    a.validTo === null ? b.validTo : b.validTo === null ? a.validTo : minDate(a.validTo, b.validTo);
  if (to !== null && compareDates(from, to) > 0) return null;
  return { from, to };
}

/**
 * Checks a set of agreements against each other: ids are unique, no two agreements of
 * the same region and municipality (or both region-wide) are valid on the same day, and,
 * when an invoice period is given, every agreement valid in it has a price for each year
 * of the period it covers. A municipality's own agreement and a region-wide one may
 * overlap: the municipality's own wins (see agreementFor).
 */
export function validateAgreementSet(
  agreements: readonly PaymentAgreement[],
  invoicePeriod?: DatePeriod,
): PaymentResult<readonly PaymentAgreement[]> {
  const ids = new Set<string>();
  for (const agreement of agreements) {
    if (ids.has(agreement.id)) {
      return fail(
        'INVALID_AGREEMENT',
        `agreement id '${agreement.id}' is used twice; ids must be unique`,
      );
    }
    ids.add(agreement.id);
  }

  const overlaps: string[] = [];
  agreements.forEach((a, i) => {
    for (const b of agreements.slice(i + 1)) {
      if (a.regionId !== b.regionId || a.municipalityId !== b.municipalityId) continue;
      const common = overlap(a, b);
      if (common === null) continue;
      overlaps.push(
        `agreements ${describe(a)} and ${describe(b)} are both valid for ` +
          `${describeScope(a.regionId, a.municipalityId)} from ${common.from} to ` +
          `${common.to ?? 'open end'}; end one (validTo) before the other starts`,
      );
    }
  });
  if (overlaps.length > 0) return fail('OVERLAPPING_AGREEMENTS', overlaps.join('\n'));

  if (invoicePeriod !== undefined) {
    const missing: string[] = [];
    const lastDay = addDays(invoicePeriod.until, -1);
    // The law's default for the whole country applies only to days no agreement of the
    // region covers; a missing price of it is reported for such a day (priceFor).
    for (const agreement of agreements.filter((a) => a.regionId !== null)) {
      const from = maxDate(agreement.validFrom, invoicePeriod.from);
      const to = agreement.validTo === null ? lastDay : minDate(agreement.validTo, lastDay);
      if (compareDates(from, to) > 0) continue;
      for (let year = yearOf(from); year <= yearOf(to); year += 1) {
        if (!agreement.prices.some((price) => price.year === year)) {
          missing.push(
            `agreement ${describe(agreement)} has no price per day for ${year}, a year of the ` +
              `period ${invoicePeriod.from}–${lastDay} to invoice; add the price for ${year}`,
          );
        }
      }
    }
    if (missing.length > 0) return fail('MISSING_PRICE', missing.join('\n'));
  }
  return ok(agreements);
}

/**
 * The agreement that judges a day for a municipality: its own agreement valid on that
 * day, else the region-wide one, else the law's default for the whole country. Errors
 * name the day and the parties so that whoever maintains the agreements knows what to add
 * or end.
 */
export function agreementFor(
  agreements: readonly PaymentAgreement[],
  parties: AgreementParties,
  date: IsoDate,
): PaymentResult<PaymentAgreement> {
  const scopes: [string | null, string | null][] = [
    [parties.regionId, parties.municipalityId],
    [parties.regionId, null],
    [null, null],
  ];
  for (const [region, scope] of scopes) {
    const valid = agreements.filter(
      (a) => a.regionId === region && a.municipalityId === scope && isValidOn(a, date),
    );
    const [first, second] = valid;
    if (first !== undefined && second !== undefined) {
      return fail(
        'OVERLAPPING_AGREEMENTS',
        `agreements ${describe(first)} and ${describe(second)} are both valid on ${date} for ` +
          `${describeScope(region, scope)}; end one (validTo) before the other starts`,
      );
    }
    if (first !== undefined) return ok(first);
  }
  return fail(
    'NO_AGREEMENT',
    `no payment agreement is valid on ${date} for region ${parties.regionId} and municipality ` +
      `${parties.municipalityId}, and no version of the law's default (STATUTORY_DEFAULT for the ` +
      `whole country) is valid then either; add one`,
  );
}

/** The prices that apply to a care type, most specific first. */
const PRICE_ORDER: Readonly<Record<CareType, readonly (CareType | null)[]>> = {
  SOMATIC: ['SOMATIC', null],
  PSYCHIATRIC: ['PSYCHIATRIC', null],
  COMPULSORY_CARE: ['COMPULSORY_CARE', 'PSYCHIATRIC', null],
};

/**
 * The price per day of a year for a care type: the price given for that care type, else
 * (compulsory care) the psychiatric one, else the price without a care type. `careType`
 * null asks for the price without a care type only (the average model's excess).
 */
export function priceFor(
  agreement: PaymentAgreement,
  year: number,
  careType: CareType | null = null,
): PaymentResult<number> {
  for (const type of careType === null ? [null] : PRICE_ORDER[careType]) {
    const price = agreement.prices.find((p) => p.year === year && p.careType === type);
    if (price !== undefined) return ok(price.pricePerDay);
  }
  const what = careType === null ? '' : ` of ${careType} care`;
  return fail(
    'MISSING_PRICE',
    `agreement ${describe(agreement)} has no price per day${what} for ${year}; add the price for ${year}`,
  );
}

/** The care type of a case: compulsory care (ÖPT/ÖRV) before psychiatric before somatic. */
export function careTypeOf(timeline: { psychiatric: boolean; compulsoryCare?: boolean }): CareType {
  if (timeline.compulsoryCare === true) return 'COMPULSORY_CARE';
  return timeline.psychiatric ? 'PSYCHIATRIC' : 'SOMATIC';
}
