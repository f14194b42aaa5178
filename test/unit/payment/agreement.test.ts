import { describe, expect, it } from 'vitest';
import {
  agreementFor,
  parseAgreement,
  parseAgreements,
  priceFor,
  validateAgreementSet,
} from '../../../src/domain/payment/agreement.js';
import {
  agreement,
  MUNICIPALITY,
  REGION,
  statutoryDefault,
  stockholmIndividual,
  stockholmParameters,
} from './fixtures.js';

const base = {
  id: 'a1',
  name: 'Test agreement',
  regionId: REGION,
  municipalityId: null,
  validFrom: '2022-01-01',
  validTo: null,
  prices: [{ year: 2022, pricePerDay: 9300 }],
};

const averageParameters = {
  allowedAverageDays: 3,
  sameDayDischarge: 'EXCLUDED',
  windowMonths: 3,
  settlement: 'NEXT_MONTH',
};

describe('parseAgreement', () => {
  it('accepts each model', () => {
    expect(parseAgreement({ ...base, model: 'STATUTORY_DEFAULT' }).ok).toBe(true);
    expect(
      parseAgreement({ ...base, model: 'INDIVIDUAL', parameters: stockholmParameters }).ok,
    ).toBe(true);
    expect(parseAgreement({ ...base, model: 'AVERAGE', parameters: averageParameters }).ok).toBe(
      true,
    );
  });

  it.each([
    [
      'an unknown model',
      { ...base, model: 'FLAT_RATE' },
      'model must be STATUTORY_DEFAULT, INDIVIDUAL or AVERAGE',
    ],
    [
      'a missing free-day count',
      {
        ...base,
        model: 'INDIVIDUAL',
        parameters: { ...stockholmParameters, freeDays: { somatic: 2 } },
      },
      'parameters.freeDays.psychiatric: freeDays.psychiatric must be a number of days',
    ],
    [
      'a fractional free-day count',
      {
        ...base,
        model: 'INDIVIDUAL',
        parameters: { ...stockholmParameters, freeDays: { somatic: 1.5, psychiatric: 5 } },
      },
      'freeDays.somatic must be a whole number of days',
    ],
    [
      'a cut-off that is not a time',
      {
        ...base,
        model: 'INDIVIDUAL',
        parameters: { ...stockholmParameters, noticeCutoff: '25:00' },
      },
      'parameters.noticeCutoff: noticeCutoff must be a time of day HH:MM (00:00–23:59)',
    ],
    [
      'a date that does not exist',
      { ...base, model: 'STATUTORY_DEFAULT', validFrom: '2022-02-30' },
      'validFrom: validFrom must be a real calendar date',
    ],
    [
      'validTo before validFrom',
      { ...base, model: 'STATUTORY_DEFAULT', validTo: '2021-12-31' },
      'validTo 2021-12-31 is before validFrom 2022-01-01',
    ],
    [
      'the same year priced twice',
      {
        ...base,
        model: 'STATUTORY_DEFAULT',
        prices: [
          { year: 2022, pricePerDay: 9300 },
          { year: 2022, pricePerDay: 12000 },
        ],
      },
      'prices[1].year: the price for 2022 is given twice',
    ],
    [
      'no prices',
      { ...base, model: 'STATUTORY_DEFAULT', prices: [] },
      'prices must name the price per day of at least one year',
    ],
    [
      'a price in fractions of öre',
      { ...base, model: 'STATUTORY_DEFAULT', prices: [{ year: 2022, pricePerDay: 9300.005 }] },
      'at most two decimals',
    ],
    [
      'an average agreement starting mid-month',
      { ...base, model: 'AVERAGE', validFrom: '2022-01-15', parameters: averageParameters },
      'an AVERAGE agreement must start on the first day of a month, not 2022-01-15',
    ],
    [
      'an average agreement ending mid-month',
      { ...base, model: 'AVERAGE', validTo: '2022-06-15', parameters: averageParameters },
      'an AVERAGE agreement must end on the last day of a month, not 2022-06-15',
    ],
    [
      'parameters on the statutory default',
      { ...base, model: 'STATUTORY_DEFAULT', parameters: stockholmParameters },
      'parameters',
    ],
  ])('refuses %s', (_, input, message) => {
    const result = parseAgreement(input);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('INVALID_AGREEMENT');
    expect(result.error.message).toContain("agreement 'a1' is invalid");
    expect(result.error.message).toContain(message);
  });
});

describe('validateAgreementSet', () => {
  const first = agreement({
    id: 'sthlm-2019',
    name: 'Stockholm 2019',
    model: 'STATUTORY_DEFAULT',
    municipalityId: MUNICIPALITY,
    validFrom: '2019-01-01',
    validTo: '2022-06-30',
  });
  const second = agreement({
    id: 'sthlm-2022',
    name: 'Stockholm 2022',
    model: 'STATUTORY_DEFAULT',
    municipalityId: MUNICIPALITY,
    validFrom: '2022-03-01',
    validTo: null,
  });

  it('names both agreements and the days they share when they overlap', () => {
    const result = validateAgreementSet([first, second]);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('OVERLAPPING_AGREEMENTS');
    expect(result.error.message).toContain("'sthlm-2019' (Stockholm 2019, 2019-01-01–2022-06-30)");
    expect(result.error.message).toContain("'sthlm-2022' (Stockholm 2022, 2022-03-01–open end)");
    expect(result.error.message).toContain('from 2022-03-01 to 2022-06-30');
  });

  it('lets a municipality’s own agreement overlap the region-wide one, and prefers it', () => {
    expect(validateAgreementSet([statutoryDefault, first]).ok).toBe(true);
    const parties = { regionId: REGION, municipalityId: MUNICIPALITY };
    const chosen = agreementFor([statutoryDefault, first], parties, '2020-05-01');
    expect(chosen.ok && chosen.value.id).toBe('sthlm-2019');
    const fallback = agreementFor([statutoryDefault, first], parties, '2022-07-01');
    expect(fallback.ok && fallback.value.id).toBe('lag-2017-612');
    const elsewhere = agreementFor(
      [first],
      { regionId: REGION, municipalityId: 'kommun-nacka' },
      '2020-05-01',
    );
    expect(elsewhere.ok ? null : elsewhere.error.code).toBe('NO_AGREEMENT');
  });

  it('names the year that has no price in the period to invoice', () => {
    const result = validateAgreementSet([stockholmIndividual], {
      from: '2023-01-01',
      until: '2023-02-01',
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('MISSING_PRICE');
    expect(result.error.message).toContain("'sthlm-individual'");
    expect(result.error.message).toContain('no price per day for 2023');
    expect(
      validateAgreementSet([stockholmIndividual], { from: '2022-01-01', until: '2022-02-01' }).ok,
    ).toBe(true);
  });

  it('ignores agreements not valid in the period to invoice', () => {
    expect(validateAgreementSet([first], { from: '2023-01-01', until: '2023-02-01' }).ok).toBe(
      true,
    );
  });

  it('refuses an id used twice', () => {
    const result = validateAgreementSet([
      first,
      { ...first, validFrom: '2010-01-01', validTo: '2010-12-31' },
    ]);
    expect(result.ok ? null : result.error.message).toContain(
      "agreement id 'sthlm-2019' is used twice",
    );
  });

  it('parses and checks a set in one step, numbering the broken entries', () => {
    const result = parseAgreements([
      { ...base, model: 'STATUTORY_DEFAULT' },
      { ...base, id: 'a2', model: 'INDIVIDUAL' },
    ]);
    expect(result.ok ? null : result.error.message).toMatch(
      /^#2: agreement 'a2' is invalid: parameters/,
    );
  });

  it('finds the price of a year or says which is missing', () => {
    expect(priceFor(statutoryDefault, 2019)).toEqual({ ok: true, value: 7800 });
    const missing = priceFor(statutoryDefault, 2021);
    expect(missing.ok ? null : missing.error).toMatchObject({
      code: 'MISSING_PRICE',
      message: expect.stringContaining('2021'),
    });
  });
});

describe('agreements as data (issue 15)', () => {
  const national = agreement({
    id: 'national-v1',
    name: 'Lag (2017:612) 5 kap. version 1',
    regionId: null,
    model: 'STATUTORY_DEFAULT',
  });

  it('falls back on the law’s default for the whole country when nothing else is valid', () => {
    const regionWide = agreement({
      id: 'region-2022',
      name: 'Region 2022',
      model: 'STATUTORY_DEFAULT',
      validFrom: '2022-01-01',
      validTo: '2022-12-31',
    });
    const set = [national, regionWide];
    const parties = { regionId: REGION, municipalityId: MUNICIPALITY };
    const inside = agreementFor(set, parties, '2022-06-01');
    expect(inside.ok ? inside.value.id : inside.error.code).toBe('region-2022');
    const outside = agreementFor(set, parties, '2023-01-01');
    expect(outside.ok ? outside.value.id : outside.error.code).toBe('national-v1');
    const beforeTheLaw = agreementFor(set, parties, '2017-12-31');
    expect(beforeTheLaw.ok ? beforeTheLaw.value.id : beforeTheLaw.error.code).toBe('NO_AGREEMENT');
  });

  it('lets only the law’s default be without a region, and then without a municipality', () => {
    const individual = parseAgreement({
      ...base,
      regionId: null,
      municipalityId: 'kommun-x',
      model: 'INDIVIDUAL',
      parameters: stockholmParameters,
    });
    expect(individual.ok ? [] : individual.error.issues?.map((i) => i.field)).toEqual([
      'regionId',
      'municipalityId',
    ]);
  });

  it('prices a care type by its own price, compulsory care by the psychiatric one, else the common one', () => {
    const priced = agreement({
      id: 'priced',
      name: 'Priced by care',
      model: 'STATUTORY_DEFAULT',
      prices: [
        { year: 2026, pricePerDay: 9300 },
        { year: 2026, careType: 'PSYCHIATRIC', pricePerDay: 11000 },
        { year: 2027, careType: 'SOMATIC', pricePerDay: 9600 },
      ],
    });
    const price = (year: number, care: 'SOMATIC' | 'PSYCHIATRIC' | 'COMPULSORY_CARE' | null) => {
      const result = priceFor(priced, year, care);
      return result.ok ? result.value : result.error.code;
    };
    expect(price(2026, 'SOMATIC')).toBe(9300);
    expect(price(2026, 'PSYCHIATRIC')).toBe(11000);
    expect(price(2026, 'COMPULSORY_CARE')).toBe(11000);
    expect(price(2026, null)).toBe(9300);
    expect(price(2027, 'SOMATIC')).toBe(9600);
    expect(price(2027, 'PSYCHIATRIC')).toBe('MISSING_PRICE');
    expect(price(2027, null)).toBe('MISSING_PRICE');
  });

  it('reads an agreement written before working days as counting calendar days', () => {
    expect(
      stockholmIndividual.model === 'INDIVIDUAL' && stockholmIndividual.parameters.freeDayCounting,
    ).toBe('CALENDAR_DAYS');
  });
});
