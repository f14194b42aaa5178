import { requireFinance } from '../../../invoicing/access.js';
import { createAgreementVersion } from '../../../invoicing/agreement-admin.js';
import { createCostSharingContract, draftCostSharing } from '../../../invoicing/cost-sharing.js';
import { InvoicingError } from '../../../invoicing/errors.js';
import { oreOf } from '../../../invoicing/money.js';
import { parseMonth } from '../../../invoicing/month.js';
import { builder } from '../../builder.js';
import { selecting } from '../../prisma-query.js';
import { AgreementCareType, Invoice, PaymentModel } from '../invoice.js';
import { idOf, invoicingErrors, invoicingResult } from './errors.js';

/** Payment agreement versions, population figures and cost-sharing invoices. */

const PriceInput = builder.inputType('PaymentAgreementPriceInput', {
  description: 'The price per day (belopp per vårddygn) for one year and care type.',
  fields: (t) => ({
    year: t.int({ description: 'The calendar year the price applies to, e.g. 2026.' }),
    careType: t.field({
      type: AgreementCareType,
      required: false,
      description: 'Absent: the price of every care type without a price of its own that year.',
    }),
    pricePerDay: t.field({
      type: 'Decimal',
      description: 'SEK per day, e.g. "9300.00".',
    }),
  }),
});

const CreatePaymentAgreementInput = builder.inputType('CreatePaymentAgreementInput', {
  description: 'A new version of a payment-responsibility agreement of your region.',
  fields: (t) => ({
    name: t.string({ description: 'The agreement’s name, as the parties call it.' }),
    municipalityId: t.id({
      required: false,
      description:
        'The municipality or district; absent: every municipality of your region without its own.',
    }),
    model: t.field({
      type: PaymentModel,
      description: 'How days with payment responsibility are counted.',
    }),
    validFrom: t.field({ type: 'Date', description: 'The first day the version applies.' }),
    validTo: t.field({
      type: 'Date',
      required: false,
      description: 'The last day it applies (inclusive); absent: until further notice.',
    }),
    parameters: t.field({
      type: 'JSONObject',
      required: false,
      description: 'The model parameters (INDIVIDUAL, AVERAGE); absent for STATUTORY_DEFAULT.',
    }),
    prices: t.field({
      type: [PriceInput],
      description: 'The prices per day, per year (and care type) the version covers.',
    }),
    decision: t.string({
      description: 'The decision the agreement rests on.',
    }),
    replacesAgreementId: t.id({
      required: false,
      description: 'A version of the same scope to end the day before this one starts.',
    }),
  }),
});

const dateText = (d: Date) => d.toISOString().slice(0, 10);

builder.mutationField('createPaymentAgreement', (t) =>
  t.prismaField({
    type: 'PaymentAgreement',
    description:
      'Adds an agreement version for your region after validating it alone and against the region’s others ' +
      '(overlaps, missing prices, unknown parameters).',
    errors: invoicingResult('the agreement version recorded'),
    args: {
      input: t.arg({ type: CreatePaymentAgreementInput, description: 'The version to add.' }),
    },
    resolve: async (query, _root, { input }, ctx) => {
      const actor = requireFinance(ctx);
      const id = await createAgreementVersion(ctx.prisma, {
        name: input.name,
        regionId: actor.organizationId,
        municipalityId:
          input.municipalityId == null
            ? null
            : idOf(input.municipalityId, 'Organization', 'municipalityId'),
        model: input.model,
        validFrom: dateText(input.validFrom),
        validTo: input.validTo == null ? null : dateText(input.validTo),
        parameters: input.parameters ?? null,
        prices: input.prices.map((p) => ({
          year: p.year,
          careType: p.careType ?? null,
          pricePerDay: Number(p.pricePerDay),
        })),
        decision: input.decision,
        replacesAgreementId:
          input.replacesAgreementId == null
            ? null
            : idOf(input.replacesAgreementId, 'PaymentAgreement', 'replacesAgreementId'),
      });
      return ctx.prisma.paymentAgreement.findUniqueOrThrow({
        ...selecting(query),
        where: { id },
      });
    },
  }),
);

const PopulationInput = builder.inputType('PopulationFigureInput', {
  description: 'The residents of one municipality or district.',
  fields: (t) => ({
    organizationId: t.id({ description: 'A municipality or district.' }),
    population: t.int({ description: 'Its number of residents (folkmängd), more than 0.' }),
  }),
});

const SetPopulationFiguresInput = builder.inputType('SetPopulationFiguresInput', {
  description:
    'Residents per municipality or district for one year, the basis for sharing the system cost; recording an organisation’s year again replaces its figure.',
  fields: (t) => ({
    year: t.int({ description: 'The year the figures are for (2000–2100).' }),
    source: t.string({
      description: 'e.g. "SCB folkmängd 1 november 2025".',
    }),
    figures: t.field({
      type: [PopulationInput],
      description: 'One figure per municipality or district, each named once.',
    }),
  }),
});

builder.mutationField('setPopulationFigures', (t) =>
  t.field({
    type: 'Int',
    description:
      'Records the residents of municipalities or districts for a year; returns how many were recorded.',
    errors: invoicingResult('how many figures were recorded'),
    args: {
      input: t.arg({ type: SetPopulationFiguresInput, description: 'The year and its figures.' }),
    },
    resolve: async (_root, { input }, ctx) => {
      const actor = requireFinance(ctx);
      if (input.year < 2000 || input.year > 2100) {
        throw new InvoicingError('INVALID_INPUT', 'year must be between 2000 and 2100', 'year');
      }
      if (input.source.trim() === '') {
        throw new InvoicingError(
          'INVALID_INPUT',
          'source must say where the figures come from',
          'source',
        );
      }
      const figures = input.figures.map((f, i) => {
        if (f.population <= 0) {
          throw new InvoicingError(
            'INVALID_INPUT',
            'population must be more than 0',
            `figures[${i}].population`,
          );
        }
        return {
          organizationId: idOf(f.organizationId, 'Organization', `figures[${i}].organizationId`),
          population: f.population,
        };
      });
      const known = await ctx.prisma.organization.count({
        where: {
          id: { in: figures.map((f) => f.organizationId) },
          kind: { in: ['MUNICIPALITY', 'DISTRICT'] },
        },
      });
      if (
        known !== new Set(figures.map((f) => f.organizationId)).size ||
        known !== figures.length
      ) {
        throw new InvoicingError(
          'ORGANIZATION_NOT_FOUND',
          'each organizationId must name a different municipality or district',
          'figures',
        );
      }
      await ctx.prisma.$transaction(
        figures.map((f) =>
          ctx.prisma.populationFigure.upsert({
            where: {
              organizationId_year: {
                organizationId: f.organizationId,
                year: input.year,
              },
            },
            create: {
              ...f,
              year: input.year,
              source: input.source.trim(),
              recordedBy: actor.hsaId,
            },
            update: {
              population: f.population,
              source: input.source.trim(),
              recordedBy: actor.hsaId,
              recordedAt: ctx.now(),
            },
          }),
        ),
      );
      return figures.length;
    },
  }),
);

const UnassignedResidents = builder.enumType('UnassignedResidents', {
  description:
    'How residents without a district (a municipality’s own figure beside its districts’) are spread over its districts.',
  values: {
    PROPORTIONAL: { description: 'In proportion to the districts’ residents.' },
    EQUAL: { description: 'Equally over the districts.' },
  } as const,
});

const SystemCostInput = builder.inputType('SystemCostInput', {
  description:
    'The system’s own cost, shared by each municipality’s or district’s share of the residents.',
  fields: (t) => ({
    amount: t.field({
      type: 'Decimal',
      description: 'The cost to share, SEK.',
    }),
    populationYear: t.int({
      description: 'The year of the population table to share by.',
    }),
    capPerDebtor: t.field({
      type: 'Decimal',
      required: false,
      description:
        'The most one municipality or district pays in this run (e.g. under the procurement-law threshold); the region bears the rest.',
    }),
    contractId: t.id({
      required: false,
      description:
        'A cost-sharing contract: no debtor pays more than its cap over the whole contract period, counting what earlier runs invoiced under it.',
    }),
    rateFromCapMonths: t.int({
      required: false,
      description:
        'Months of the contract period this run covers: the price per resident is then derived from the contract cap (cap × months / contract months over the largest debtor’s residents) when that is below the amount over all residents.',
    }),
    unassignedResidents: t.field({
      type: UnassignedResidents,
      required: false,
      description:
        'Read a municipality’s own figure beside its districts’ as residents without a district, spread by this rule.',
    }),
  }),
});

const FixedAmountInput = builder.inputType('FixedAmountInput', {
  description:
    'A fixed amount that each named municipality or district pays, on top of the shared costs (docs/money.md).',
  fields: (t) => ({
    amount: t.field({
      type: 'Decimal',
      description: 'SEK each named debtor pays.',
    }),
    organizationIds: t.idList({
      description: 'The municipalities or districts that pay it.',
    }),
    basis: t.string({
      description: 'What the amount rests on, e.g. "avtalets bilaga 2".',
    }),
  }),
});

const CreateCostSharingContractInput = builder.inputType('CreateCostSharingContractInput', {
  description: 'A cost-sharing contract to record for your region.',
  fields: (t) => ({
    name: t.string({
      description: 'The contract’s name, as the parties call it.',
    }),
    validFrom: t.field({
      type: 'Date',
      description: 'The first day of a month.',
    }),
    validTo: t.field({
      type: 'Date',
      description: 'The last day of a month.',
    }),
    capPerDebtor: t.field({
      type: 'Decimal',
      description: 'The most one municipality or district pays over the whole period, SEK.',
    }),
    decision: t.string({
      description: 'The decision the contract rests on.',
    }),
  }),
});

builder.prismaNode('CostSharingContract', {
  id: { field: 'id' },
  description: 'A cap on what one debtor pays for the system’s cost over a contract period.',
  fields: (t) => ({
    name: t.exposeString('name', {
      description: 'The contract’s name, as the parties call it.',
    }),
    validFrom: t.expose('validFrom', {
      type: 'Date',
      description: 'The first day of the contract period (the first day of a month).',
    }),
    validTo: t.expose('validTo', {
      type: 'Date',
      description: 'The last day of the contract period (the last day of a month).',
    }),
    capPerDebtor: t.expose('capPerDebtor', {
      type: 'Decimal',
      description: 'The most one municipality or district pays over the whole period, SEK.',
    }),
    decision: t.exposeString('decision', {
      description: 'The decision the contract rests on.',
    }),
  }),
});

builder.queryField('costSharingContracts', (t) =>
  t.prismaField({
    type: ['CostSharingContract'],
    description: 'Your region’s cost-sharing contracts, oldest first.',
    resolve: (query, _root, _args, ctx) => {
      const actor = requireFinance(ctx);
      return ctx.prisma.costSharingContract.findMany({
        ...selecting(query),
        where: { regionId: actor.organizationId },
        orderBy: [{ validFrom: 'asc' }, { createdAt: 'asc' }],
      });
    },
  }),
);

builder.mutationField('createCostSharingContract', (t) =>
  t.prismaField({
    type: 'CostSharingContract',
    description: 'Records a cost-sharing contract of your region (written once, never changed).',
    errors: {
      ...invoicingErrors,
      result: { description: 'The contract recorded when it succeeded.' },
      union: { description: 'The contract recorded, or why it was refused.' },
      dataField: { description: 'The contract recorded.' },
    },
    args: {
      input: t.arg({
        type: CreateCostSharingContractInput,
        description: 'The contract to record.',
      }),
    },
    resolve: async (query, _root, { input }, ctx) => {
      const actor = requireFinance(ctx);
      const id = await createCostSharingContract(ctx.prisma, {
        regionId: actor.organizationId,
        name: input.name,
        validFrom: dateText(input.validFrom),
        validTo: dateText(input.validTo),
        capPerDebtor: oreOf(input.capPerDebtor),
        decision: input.decision,
      });
      return ctx.prisma.costSharingContract.findUniqueOrThrow({
        ...selecting(query),
        where: { id },
      });
    },
  }),
);

const SupportCostInput = builder.inputType('SupportCostInput', {
  description: 'The support cost, shared by each municipality’s or district’s number of users.',
  fields: (t) => ({
    amount: t.field({
      type: 'Decimal',
      description: 'The support cost to share, SEK.',
    }),
    referenceDate: t.field({
      type: 'Date',
      description:
        'Users are counted at this date (e.g. 1 October) from the twelve months of logins before it.',
    }),
  }),
});

const DraftCostSharingInput = builder.inputType('DraftCostSharingInput', {
  description:
    'What to share in this month’s cost-sharing invoices; give at least one of systemCost, supportCost and fixedAmount.',
  fields: (t) => ({
    month: t.field({ type: 'YearMonth', description: 'The invoice period.' }),
    systemCost: t.field({
      type: SystemCostInput,
      required: false,
      description: 'The system cost to share by population; none if omitted.',
    }),
    supportCost: t.field({
      type: SupportCostInput,
      required: false,
      description: 'The support cost to share per user; none if omitted.',
    }),
    fixedAmount: t.field({
      type: FixedAmountInput,
      required: false,
      description: 'A fixed amount per named debtor to draft as well; none if omitted.',
    }),
  }),
});

builder.mutationField('draftCostSharingInvoices', (t) =>
  t.prismaField({
    type: [Invoice],
    description:
      'Drafts your region’s cost-sharing invoices for a month: the system cost by population share and the ' +
      'support cost per user. Returns the draft invoices, one per municipality or district.',
    errors: invoicingResult('the draft invoices, one per municipality or district'),
    args: {
      input: t.arg({ type: DraftCostSharingInput, description: 'The month and the costs.' }),
    },
    resolve: async (query, _root, { input }, ctx) => {
      const actor = requireFinance(ctx);
      const outcomes = await draftCostSharing(ctx.prisma, {
        creditorId: actor.organizationId,
        month: parseMonth(input.month),
        systemCost: input.systemCost
          ? {
              amount: oreOf(input.systemCost.amount),
              populationYear: input.systemCost.populationYear,
              capPerDebtor: input.systemCost.capPerDebtor
                ? oreOf(input.systemCost.capPerDebtor)
                : null,
              contractId:
                input.systemCost.contractId == null
                  ? null
                  : idOf(
                      input.systemCost.contractId,
                      'CostSharingContract',
                      'systemCost.contractId',
                    ),
              rateFromCapMonths: input.systemCost.rateFromCapMonths ?? null,
              unassignedResidents: input.systemCost.unassignedResidents ?? null,
            }
          : null,
        fixedAmount: input.fixedAmount
          ? {
              amount: oreOf(input.fixedAmount.amount),
              organizationIds: input.fixedAmount.organizationIds.map((id, i) =>
                idOf(id, 'Organization', `fixedAmount.organizationIds[${i}]`),
              ),
              basis: input.fixedAmount.basis,
            }
          : null,
        supportCost: input.supportCost
          ? {
              amount: oreOf(input.supportCost.amount),
              referenceDate: dateText(input.supportCost.referenceDate),
            }
          : null,
      });
      return ctx.prisma.invoice.findMany({
        ...selecting(query),
        where: { id: { in: outcomes.map((o) => o.invoiceId) } },
        orderBy: { debtorId: 'asc' },
      });
    },
  }),
);
