import { describe, expect, it } from 'vitest';
import { type Policy, policyFor } from '../../../src/domain/retention/policy-resolution.js';
import {
  addMonthsToDate,
  bindingRule,
  birthDayOfMonth,
  checkOwnerDecision,
  fiscalYearEnd,
  isDue,
  keptForResearch,
  keptThrough,
  purgeableFrom,
} from '../../../src/domain/retention/rules.js';

const FIVE_YEARS = { months: 60, days: 0, keepBirthDays: [] };

describe('retention periods in calendar days', () => {
  it('adds months clamped to the end of the month, as PostgreSQL does', () => {
    expect(addMonthsToDate('2021-01-31', 1)).toBe('2021-02-28');
    expect(addMonthsToDate('2020-02-29', 12)).toBe('2021-02-28');
    expect(addMonthsToDate('2020-02-29', 48)).toBe('2024-02-29');
    expect(addMonthsToDate('2021-03-31', -1)).toBe('2021-02-28');
    expect(addMonthsToDate('2021-12-15', 1)).toBe('2022-01-15');
  });

  it('keeps a record through the anniversary and allows the purge from the day after', () => {
    expect(keptThrough('2021-03-10', FIVE_YEARS)).toBe('2026-03-10');
    expect(purgeableFrom('2021-03-10', FIVE_YEARS)).toBe('2026-03-11');
    expect(isDue('2021-03-10', FIVE_YEARS, '2026-03-10')).toBe(false);
    expect(isDue('2021-03-10', FIVE_YEARS, '2026-03-11')).toBe(true);
  });

  it('adds the days after the months', () => {
    expect(keptThrough('2026-01-31', { months: 1, days: 1 })).toBe('2026-03-01');
    expect(purgeableFrom('2026-11-24', { months: 0, days: 90 })).toBe('2027-02-23');
  });

  it('anchors accounting records at the end of the fiscal year', () => {
    expect(fiscalYearEnd('2018-03-01')).toBe('2018-12-31');
    const sevenYears = { months: 84, days: 0 };
    expect(isDue(fiscalYearEnd('2018-12-01'), sevenYears, '2025-12-31')).toBe(false);
    expect(isDue(fiscalYearEnd('2018-12-01'), sevenYears, '2026-01-01')).toBe(true);
  });
});

describe('the research exception', () => {
  const social = { months: 60, days: 0, keepBirthDays: [5, 15, 25] };
  it('keeps people born on the 5th, 15th and 25th, also by samordningsnummer', () => {
    expect(keptForResearch('194505152384', social)).toBe(true);
    expect(keptForResearch('194505162383', social)).toBe(false);
    expect(birthDayOfMonth('199001852387')).toBe(25);
    expect(keptForResearch('199001852387', social)).toBe(true);
    expect(keptForResearch('194505152384', FIVE_YEARS)).toBe(false);
  });
});

describe('shared records', () => {
  it('follow the longest retention of their owners', () => {
    const region = { id: 'r', months: 120, days: 0, keepBirthDays: [] };
    const municipality = { id: 'm', months: 60, days: 0, keepBirthDays: [5] };
    expect(bindingRule('2020-01-01', [municipality, region]).id).toBe('r');
    expect(bindingRule('2020-01-01', [municipality]).id).toBe('m');
    expect(() => bindingRule('2020-01-01', [])).toThrow(RangeError);
  });
});

describe('policy resolution', () => {
  const base = { months: 60, days: 0, keepBirthDays: [], decision: 'd' };
  const policies: Policy[] = [
    { ...base, id: 'all', recordClass: 'CASE', organizationId: null, organizationKind: null },
    {
      ...base,
      id: 'kind',
      recordClass: 'CASE',
      organizationId: null,
      organizationKind: 'MUNICIPALITY',
    },
    { ...base, id: 'own', recordClass: 'CASE', organizationId: 'solna', organizationKind: null },
    { ...base, id: 'log', recordClass: 'ACCESS_LOG', organizationId: null, organizationKind: null },
  ];
  it('prefers the organisation’s own decision, then its kind’s default, then the default for all', () => {
    expect(policyFor(policies, 'CASE', { id: 'solna', kind: 'MUNICIPALITY' })?.id).toBe('own');
    expect(policyFor(policies, 'CASE', { id: 'sundbyberg', kind: 'MUNICIPALITY' })?.id).toBe(
      'kind',
    );
    expect(policyFor(policies, 'CASE', { id: 'region', kind: 'CARE_PROVIDER' })?.id).toBe('all');
    expect(policyFor(policies, 'ACCESS_LOG', { id: 'solna', kind: 'MUNICIPALITY' })?.id).toBe(
      'log',
    );
    expect(policyFor(policies, 'SESSION', { id: 'solna', kind: 'MUNICIPALITY' })).toBeNull();
  });
});

describe('an information owner’s decision', () => {
  const valid = {
    recordClass: 'CASE' as const,
    retainMonths: 36,
    retainDays: 0,
    keepBirthDays: [5, 15, 25],
    decision: 'Socialnämnden 2026-05-12 § 45',
  };
  it('may stand when it is within the law', () => {
    expect(checkOwnerDecision(valid)).toBeNull();
    expect(
      checkOwnerDecision({
        ...valid,
        recordClass: 'ACCESS_LOG',
        retainMonths: 60,
        keepBirthDays: [],
      }),
    ).toBeNull();
  });
  it('is refused below the legal minimum, for system classes, with bad days or without a decision', () => {
    expect(
      checkOwnerDecision({
        ...valid,
        recordClass: 'ACCESS_LOG',
        retainMonths: 59,
        keepBirthDays: [],
      })?.code,
    ).toBe('RETENTION_BELOW_LEGAL_MINIMUM');
    expect(
      checkOwnerDecision({
        ...valid,
        recordClass: 'INVOICE_BASIS',
        retainMonths: 83,
        keepBirthDays: [],
      })?.code,
    ).toBe('RETENTION_BELOW_LEGAL_MINIMUM');
    expect(checkOwnerDecision({ ...valid, recordClass: 'SESSION' })?.code).toBe(
      'RETENTION_NOT_PER_ORGANIZATION',
    );
    expect(checkOwnerDecision({ ...valid, keepBirthDays: [0] })?.code).toBe('INVALID_BIRTH_DAYS');
    expect(checkOwnerDecision({ ...valid, keepBirthDays: [5, 5] })?.code).toBe(
      'INVALID_BIRTH_DAYS',
    );
    expect(
      checkOwnerDecision({ ...valid, recordClass: 'INVOICE_BASIS', retainMonths: 84 })?.code,
    ).toBe('INVALID_BIRTH_DAYS');
    expect(checkOwnerDecision({ ...valid, retainMonths: -1 })?.code).toBe(
      'INVALID_RETENTION_PERIOD',
    );
    expect(checkOwnerDecision({ ...valid, retainDays: 1.5 })?.code).toBe(
      'INVALID_RETENTION_PERIOD',
    );
    expect(checkOwnerDecision({ ...valid, decision: '   ok ' })?.code).toBe('DECISION_REQUIRED');
  });
});
