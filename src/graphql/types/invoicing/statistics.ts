import { encodeGlobalID } from '@pothos/plugin-relay';
import { stringify } from 'csv-stringify/sync';
import {
  INDICATORS,
  type Indicator,
  type PaymentStatistics,
} from '../../../domain/payment/statistics.js';
import { requireFinance } from '../../../invoicing/access.js';
import { parseMonth } from '../../../invoicing/month.js';
import { computeStatistics } from '../../../invoicing/statistics-service.js';
import { builder } from '../../builder.js';
import type { Context } from '../../context.js';
import { globalIdOf } from '../../global-id.js';
import { idOf, invoicingResult } from './errors.js';

/**
 * The indicators of coordinated discharge per municipality or district and month, as
 * series to plot: one series per municipality and indicator, one point per month (null
 * where nothing was measured). National and local definitions are separate indicators;
 * each says which it is.
 */

type Definition = 'NATIONAL' | 'LOCAL' | 'COMMON';

function definitionOf(indicator: Indicator): Definition {
  if (indicator.endsWith('National')) return 'NATIONAL';
  if (indicator.endsWith('Local')) return 'LOCAL';
  return 'COMMON';
}

const IndicatorEnum = builder.enumType('StatisticsIndicator', {
  description: 'What a statistics series measures (each value says what and in which unit).',
  values: Object.fromEntries(
    Object.entries(INDICATORS).map(([key, { label }]) => [key, { description: label }]),
  ) as Record<Indicator, { description: string }>,
});

const IndicatorDefinition = builder.enumType('IndicatorDefinition', {
  description: 'Which definition of days from ready notice to discharge an indicator follows.',
  values: {
    NATIONAL: {
      description: 'The national indicator: stays of at least 1 day, closed in the month.',
    },
    LOCAL: {
      description: 'The local figure: discharges on the day of the ready notice count as day 0.',
    },
    COMMON: { description: 'The same under both definitions.' },
  } as const,
});

interface SeriesView {
  municipalityId: string;
  municipalityName: string;
  municipalityHsaId: string;
  indicator: Indicator;
  label: string;
  unit: string;
  points: { month: string; value: number | null }[];
}

interface StatisticsView {
  months: string[];
  series: SeriesView[];
  problems: { municipalityId: string; caseId: string | null; code: string; message: string }[];
}

const Point = builder
  .objectRef<{ month: string; value: number | null }>('StatisticsPoint')
  .implement({
    description: 'The value of one indicator for one month.',
    fields: (t) => ({
      month: t.expose('month', { type: 'YearMonth', description: 'The month.' }),
      value: t.exposeFloat('value', {
        nullable: true,
        description:
          'In the series’ unit; null where nothing was measured (e.g. an average without discharges).',
      }),
    }),
  });

const Series = builder.objectRef<SeriesView>('StatisticsSeries').implement({
  description:
    'One indicator of one municipality or district, one point per month: a line to plot.',
  fields: (t) => ({
    municipalityId: t.id({
      ...globalIdOf('Organization'),
      description: 'The municipality or district, as an `Organization` global id.',
      resolve: (s) => encodeGlobalID('Organization', s.municipalityId),
    }),
    municipalityName: t.exposeString('municipalityName', {
      description: 'The municipality’s or district’s name, for a legend.',
    }),
    municipalityHsaId: t.exposeString('municipalityHsaId', {
      description: 'The municipality’s or district’s HSA-ID.',
    }),
    indicator: t.field({
      type: IndicatorEnum,
      description: 'What the series measures.',
      resolve: (s) => s.indicator,
    }),
    definition: t.field({
      type: IndicatorDefinition,
      description:
        'Whether it follows the national or the local definition, or is the same under both.',
      resolve: (s) => definitionOf(s.indicator),
    }),
    label: t.exposeString('label', {
      description: 'The indicator in words (English), for a legend.',
    }),
    unit: t.exposeString('unit', { description: 'cases, days, SEK or share (0–1).' }),
    points: t.field({
      type: [Point],
      description: 'One point per month of `PaymentStatistics.months`, in order.',
      resolve: (s) => s.points,
    }),
  }),
});

const Problem = builder
  .objectRef<StatisticsView['problems'][number]>('StatisticsProblem')
  .implement({
    description: 'A case left out of the indicators, and why.',
    fields: (t) => ({
      municipalityId: t.id({
        ...globalIdOf('Organization'),
        description:
          'The municipality or district whose figures lack the case (`Organization` global id).',
        resolve: (p) => encodeGlobalID('Organization', p.municipalityId),
      }),
      caseId: t.id({
        ...globalIdOf('Case'),
        nullable: true,
        description:
          'The case left out, as a `Case` global id; null when the problem is not one case’s.',
        resolve: (p) => (p.caseId === null ? null : encodeGlobalID('Case', p.caseId)),
      }),
      code: t.exposeString('code', {
        description:
          'Why, as an InvoicingErrorCode value (e.g. NO_AGREEMENT, EVENTS_OUT_OF_ORDER).',
      }),
      message: t.exposeString('message', { description: 'What to fix, in English for people.' }),
    }),
  });

const Statistics = builder.objectRef<StatisticsView>('PaymentStatistics').implement({
  description: 'Indicators of coordinated discharge for the months asked, shaped for plotting.',
  fields: (t) => ({
    months: t.expose('months', {
      type: ['YearMonth'],
      description: 'Every month of the range, oldest first: the x axis of every series.',
    }),
    series: t.field({
      type: [Series],
      description: 'One series per municipality or district and indicator.',
      resolve: (s) => s.series,
    }),
    problems: t.field({
      type: [Problem],
      description: 'Cases left out of the figures and why; empty when every case was counted.',
      resolve: (s) => s.problems,
    }),
  }),
});

const StatisticsInput = builder.inputType('PaymentStatisticsInput', {
  description:
    'The months (from and to inclusive) and optionally one municipality; a region sees its wards’ cases, a municipality its own and its districts’.',
  fields: (t) => ({
    from: t.field({ type: 'YearMonth', description: 'First month.' }),
    to: t.field({ type: 'YearMonth', description: 'Last month (at most 36 months).' }),
    municipalityId: t.id({
      required: false,
      description: 'Only this municipality or district (an Organization).',
    }),
  }),
});

async function statisticsFor(
  ctx: Context,
  input: { from: string; to: string; municipalityId?: string | number | null },
): Promise<StatisticsView> {
  const actor = requireFinance(ctx);
  const from = parseMonth(input.from, 'from');
  const to = parseMonth(input.to, 'to');
  const only =
    input.municipalityId == null
      ? null
      : idOf(input.municipalityId, 'Organization', 'municipalityId');
  const own = await ctx.prisma.organization.findUniqueOrThrow({
    where: { id: actor.organizationId },
    select: { kind: true, children: { select: { id: true } } },
  });
  // A region sees the cases of its wards; a municipality its own and its districts'.
  const stats: PaymentStatistics =
    own.kind === 'CARE_PROVIDER'
      ? await computeStatistics(ctx.prisma, {
          regionId: actor.organizationId,
          ...(only ? { municipalityIds: [only] } : {}),
          from,
          to,
          asOf: ctx.now(),
        })
      : await computeStatistics(ctx.prisma, {
          municipalityIds: [actor.organizationId, ...own.children.map((c) => c.id)].filter(
            (id) => only === null || id === only,
          ),
          from,
          to,
          asOf: ctx.now(),
        });
  const orgs = await ctx.prisma.organization.findMany({
    where: { id: { in: [...new Set(stats.series.map((s) => s.municipalityId))] } },
    select: { id: true, name: true, hsaId: true },
  });
  const byId = new Map(orgs.map((o) => [o.id, o]));
  return {
    months: stats.months,
    series: stats.series.map((s) => ({
      ...s,
      municipalityName: byId.get(s.municipalityId)?.name ?? '',
      municipalityHsaId: byId.get(s.municipalityId)?.hsaId ?? '',
    })),
    problems: stats.problems.map((p) => ({
      municipalityId: p.municipalityId,
      caseId: p.caseId,
      code: p.error.code,
      message: p.error.message,
    })),
  };
}

builder.queryField('paymentStatistics', (t) =>
  t.field({
    type: Statistics,
    description:
      'Indicators per municipality or district and month (national and local definitions, 3-month rolling average, ' +
      'days and amount of payment responsibility), shaped for plotting.',
    errors: invoicingResult('the indicators, one series per municipality and indicator'),
    args: {
      input: t.arg({ type: StatisticsInput, description: 'Which months and municipalities.' }),
    },
    resolve: (_root, { input }, ctx) => statisticsFor(ctx, input),
  }),
);

builder.queryField('statisticsCsv', (t) =>
  t.field({
    type: 'String',
    description:
      'The same indicators as CSV: one row per municipality, indicator and month (semicolon-separated).',
    errors: invoicingResult(
      'the CSV text (header month;municipality_hsa_id;municipality;indicator;definition;unit;value)',
    ),
    args: {
      input: t.arg({ type: StatisticsInput, description: 'Which months and municipalities.' }),
    },
    resolve: async (_root, { input }, ctx) => {
      const view = await statisticsFor(ctx, input);
      return stringify(
        view.series.flatMap((s) =>
          s.points.map((p) => [
            p.month,
            s.municipalityHsaId,
            s.municipalityName,
            s.indicator,
            definitionOf(s.indicator),
            s.unit,
            p.value === null ? '' : String(Math.round(p.value * 10_000) / 10_000),
          ]),
        ),
        {
          header: true,
          columns: [
            'month',
            'municipality_hsa_id',
            'municipality',
            'indicator',
            'definition',
            'unit',
            'value',
          ],
          delimiter: ';',
          record_delimiter: '\r\n',
        },
      );
    },
  }),
);
