/**
 * Cost-sharing invoices (kostnadsfördelning) from the seed agreements: the system's own
 * cost shared among municipalities and districts by share of population (a population
 * table per year), and the support cost per user, users counted per organisation at a
 * reference date from the login records. Each debtor gets one COST_SHARING invoice for
 * the month, with a line per kind of cost; amounts are split to the öre so that the
 * parts add up to the total exactly.
 *
 * Worked example (DOMAIN.md): support cost 3 250 000 SEK for 13 000 users is 250 SEK per
 * user, so 1 700 municipal users pay 425 000 SEK and the region bears the rest.
 */
import type { PrismaClient } from '../db/client.js';
import {
  addDays,
  type IsoDate,
  isIsoDate,
  monthRange,
  startOfStockholmDay,
  type YearMonth,
} from '../domain/calendar.js';
import type { BasisLine } from './basis.js';
import {
  allocateByHsaId,
  type CostContract,
  shareSystemCost,
  TIE_RULE,
  type UnassignedRule,
} from './cost-shares.js';
import { InvoicingError } from './errors.js';
import { type Tx, takeTurns, type WriteOutcome, writeDraft } from './invoice-writer.js';
import { decimalOf, formatSek, type Ore, oreOf } from './money.js';
import { dateColumn, periodDate } from './month.js';

export interface CostSharingRequest {
  creditorId: string;
  month: YearMonth;
  /**
   * `capPerDebtor`: the most one debtor pays for the period (Stockholm's seed agreement
   * keeps each district under the procurement-law threshold); what a cap cuts off stays
   * with the region.
   */
  systemCost?: {
    amount: Ore;
    populationYear: number;
    capPerDebtor?: Ore | null;
    /** A cost-sharing contract whose cap over its whole period is carried across runs. */
    contractId?: string | null;
    /** Months of the contract this run covers: the rate per resident is derived from the cap. */
    rateFromCapMonths?: number | null;
    /** How a municipality's own figure (residents without a district) is spread. */
    unassignedResidents?: UnassignedRule | null;
  } | null;
  supportCost?: { amount: Ore; referenceDate: IsoDate } | null;
  /** The same amount for each debtor named, e.g. an appendix's amount per district. */
  fixedAmount?: { amount: Ore; organizationIds: string[]; basis: string } | null;
}

export interface CostSharingContractInput {
  regionId: string;
  name: string;
  validFrom: IsoDate;
  validTo: IsoDate;
  capPerDebtor: Ore;
  decision: string;
}

/** Validates and records a cost-sharing contract; refused input writes nothing. */
export async function createCostSharingContract(
  prisma: PrismaClient,
  input: CostSharingContractInput,
): Promise<string> {
  const refuse = (field: string, message: string): never => {
    throw new InvoicingError('INVALID_INPUT', message, field);
  };
  if (input.name.trim() === '') refuse('name', 'name must not be empty');
  if (input.decision.trim() === '') {
    refuse('decision', 'decision must name the decision the contract rests on');
  }
  if (!input.validFrom.endsWith('-01')) {
    refuse('validFrom', `a contract starts on the first day of a month, not ${input.validFrom}`);
  }
  if (addDays(input.validTo, 1).slice(8) !== '01') {
    refuse('validTo', `a contract ends on the last day of a month, not ${input.validTo}`);
  }
  if (input.validTo <= input.validFrom) refuse('validTo', 'validTo must be after validFrom');
  if (input.capPerDebtor <= 0) refuse('capPerDebtor', 'capPerDebtor must be more than 0');
  const region = await prisma.organization.findUnique({
    where: { id: input.regionId },
    select: { kind: true },
  });
  if (region?.kind !== 'CARE_PROVIDER') {
    throw new InvoicingError(
      'NOT_A_CREDITOR',
      'a cost-sharing contract belongs to the region (care provider) that invoices the cost',
    );
  }
  const created = await prisma.costSharingContract.create({
    data: {
      regionId: input.regionId,
      name: input.name.trim(),
      validFrom: dateColumn(input.validFrom),
      validTo: dateColumn(input.validTo),
      capPerDebtor: decimalOf(input.capPerDebtor),
      decision: input.decision.trim(),
    },
    select: { id: true },
  });
  return created.id;
}

/** The contract of the creditor, valid in the month, with what each debtor was invoiced under it in other months. */
async function loadContract(
  prisma: Tx,
  request: CostSharingRequest,
  contractId: string,
): Promise<CostContract> {
  const contract = await prisma.costSharingContract.findFirst({
    where: { id: contractId, regionId: request.creditorId },
  });
  if (contract === null) {
    throw new InvoicingError(
      'AGREEMENT_NOT_FOUND',
      'systemCost.contractId must name a cost-sharing contract of your region',
      'systemCost.contractId',
    );
  }
  const from = contract.validFrom.toISOString().slice(0, 7);
  const to = contract.validTo.toISOString().slice(0, 7);
  if (request.month < from || request.month > to) {
    throw new InvoicingError(
      'INVALID_INPUT',
      `${request.month} is outside the contract ${contract.name} (${from} – ${to})`,
      'month',
    );
  }
  const rows = await prisma.$queryRaw<{ debtorId: string; ore: string }[]>`
    SELECT i.debtor_id::text AS "debtorId", sum(l.amount * 100)::bigint::text AS ore
    FROM invoice_line l JOIN invoice i ON i.id = l.invoice_id
    WHERE l.cost_sharing_contract_id = ${contract.id}::uuid
      AND i.kind = 'COST_SHARING' AND i.period <> ${periodDate(request.month)}
    GROUP BY 1`;
  return {
    name: contract.name,
    cap: oreOf(contract.capPerDebtor),
    months: monthRange(from, to).length,
    invoicedBefore: new Map(rows.map((r) => [r.debtorId, Number(r.ore)])),
  };
}

export interface UserCountRow {
  organizationId: string;
  users: number;
}

/**
 * Users per organisation at the reference date: distinct employees (the session subject)
 * who logged in during the twelve months up to and including the date, counted for the
 * organisation of the unit of their acting commission (or, for a unit Brygga does not
 * know, the care provider named by the commission). Reads the identity gateway's
 * identity_session table; nothing else.
 */
export async function countUsers(prisma: Tx, referenceDate: IsoDate): Promise<UserCountRow[]> {
  const until = startOfStockholmDay(addDays(referenceDate, 1));
  const since = startOfStockholmDay(
    addDays(`${Number(referenceDate.slice(0, 4)) - 1}${referenceDate.slice(4)}`, 1),
  );
  return prisma.$queryRaw<UserCountRow[]>`
    SELECT coalesce(u.organization_id, p.id)::text AS "organizationId",
           count(DISTINCT s.subject)::int AS users
    FROM identity_session s
    LEFT JOIN unit u ON u.hsa_id = s.acting_commission ->> 'unitHsaId'
    LEFT JOIN organization p ON p.hsa_id = s.acting_commission ->> 'providerHsaId'
    WHERE s.created_at >= ${since} AND s.created_at < ${until}
      AND coalesce(u.organization_id, p.id) IS NOT NULL
    GROUP BY 1
    ORDER BY 1`;
}

/** The user counts of the date: those recorded before, or counted now and recorded. */
export async function userCountsAt(prisma: Tx, referenceDate: IsoDate): Promise<UserCountRow[]> {
  const date = dateColumn(referenceDate);
  const stored = await prisma.userCount.findMany({
    where: { referenceDate: date },
    orderBy: { organizationId: 'asc' },
  });
  if (stored.length > 0)
    return stored.map((r) => ({ organizationId: r.organizationId, users: r.users }));
  const counted = await countUsers(prisma, referenceDate);
  if (counted.length > 0) {
    await prisma.userCount.createMany({
      data: counted.map((r) => ({ referenceDate: date, ...r })),
      skipDuplicates: true,
    });
  }
  return counted;
}

/**
 * Drafts the month's cost-sharing invoices in one transaction. Runs under the same
 * contract take turns (a transaction-scoped advisory lock on the contract): each reads
 * what the others invoiced under the contract's cap and spends the rest, so two months
 * drafted at once cannot both spend the same remainder of the cap.
 */
export async function draftCostSharing(
  prisma: PrismaClient,
  request: CostSharingRequest,
): Promise<WriteOutcome[]> {
  return prisma.$transaction(
    async (tx) => {
      const contractId = request.systemCost?.contractId;
      if (contractId != null) {
        await takeTurns(tx, `cost-sharing-contract:${contractId}`);
      }
      return draftIn(tx, request);
    },
    // Prisma's 5 s default would count the wait for another run's turn and the reading of
    // every organisation's figures; a month's drafting is a monthly step, not a request.
    { timeout: 60_000, maxWait: 10_000 },
  );
}

async function draftIn(prisma: Tx, request: CostSharingRequest): Promise<WriteOutcome[]> {
  const creditor = await prisma.organization.findUnique({ where: { id: request.creditorId } });
  if (creditor?.kind !== 'CARE_PROVIDER') {
    throw new InvoicingError(
      'NOT_A_CREDITOR',
      'only a region (care provider) invoices cost sharing',
    );
  }
  if (!request.systemCost && !request.supportCost && !request.fixedAmount) {
    throw new InvoicingError(
      'INVALID_INPUT',
      'give systemCost, supportCost, fixedAmount or several of them',
      'systemCost',
    );
  }
  const orgs = await prisma.organization.findMany({
    select: { id: true, kind: true, name: true, parentId: true, hsaId: true },
  });
  const byId = new Map(orgs.map((o) => [o.id, o]));
  const lines = new Map<string, BasisLine[]>();
  const add = (debtorId: string, line: BasisLine) =>
    lines.set(debtorId, [...(lines.get(debtorId) ?? []), line]);

  if (request.systemCost) {
    const { amount, populationYear, capPerDebtor } = request.systemCost;
    if (capPerDebtor != null && capPerDebtor <= 0) {
      throw new InvoicingError(
        'INVALID_INPUT',
        'systemCost.capPerDebtor must be more than 0',
        'systemCost.capPerDebtor',
      );
    }
    if (amount <= 0)
      throw new InvoicingError(
        'INVALID_INPUT',
        'systemCost.amount must be more than 0',
        'systemCost.amount',
      );
    const rateMonths = request.systemCost.rateFromCapMonths ?? null;
    if (rateMonths !== null && (!Number.isInteger(rateMonths) || rateMonths < 1)) {
      throw new InvoicingError(
        'INVALID_INPUT',
        'systemCost.rateFromCapMonths must be a whole number of months, at least 1',
        'systemCost.rateFromCapMonths',
      );
    }
    const contract =
      request.systemCost.contractId == null
        ? null
        : await loadContract(prisma, request, request.systemCost.contractId);
    const figures = await prisma.populationFigure.findMany({
      where: { year: populationYear },
      orderBy: { organizationId: 'asc' },
    });
    if (figures.length === 0) {
      throw new InvoicingError(
        'MISSING_POPULATION',
        `no population figures for ${populationYear}; record them (setPopulationFigures) first`,
        'systemCost.populationYear',
      );
    }
    const shares = shareSystemCost(
      {
        amount,
        populationYear,
        capPerDebtor: capPerDebtor ?? null,
        contract,
        rateFromCapMonths: rateMonths,
        unassigned: request.systemCost.unassignedResidents ?? null,
      },
      figures.map((f) => {
        const o = byId.get(f.organizationId);
        return {
          organizationId: f.organizationId,
          hsaId: o?.hsaId ?? f.organizationId,
          name: o?.name ?? f.organizationId,
          parentId: o?.parentId ?? null,
          population: f.population,
        };
      }),
    );
    if (!shares.ok) {
      throw new InvoicingError(
        shares.code,
        shares.message,
        shares.code === 'DOUBLE_COUNTED_POPULATION'
          ? 'systemCost.unassignedResidents'
          : 'systemCost.contractId',
      );
    }
    for (const share of shares.lines) {
      add(share.organizationId, {
        caseId: null,
        description: share.description,
        days: 0,
        dates: [],
        pricePerDay: 0,
        amount: share.amount,
        eventIds: [],
        dayDetails: [],
        costSharingContractId: request.systemCost.contractId ?? null,
      });
    }
  }

  if (request.fixedAmount) {
    const { amount, organizationIds, basis } = request.fixedAmount;
    if (amount <= 0) {
      throw new InvoicingError(
        'INVALID_INPUT',
        'fixedAmount.amount must be more than 0',
        'fixedAmount.amount',
      );
    }
    if (basis.trim() === '') {
      throw new InvoicingError(
        'INVALID_INPUT',
        'fixedAmount.basis must name what the amount rests on (e.g. the agreement’s appendix)',
        'fixedAmount.basis',
      );
    }
    const debtors = [...new Set(organizationIds)];
    if (
      debtors.length === 0 ||
      debtors.length !== organizationIds.length ||
      debtors.some((id) => !['MUNICIPALITY', 'DISTRICT'].includes(byId.get(id)?.kind ?? ''))
    ) {
      throw new InvoicingError(
        'ORGANIZATION_NOT_FOUND',
        'fixedAmount.organizationIds must name different municipalities or districts, at least one',
        'fixedAmount.organizationIds',
      );
    }
    for (const debtorId of debtors) {
      add(debtorId, {
        caseId: null,
        description: `Fixed amount per ${byId.get(debtorId)?.kind === 'DISTRICT' ? 'district' : 'municipality'}: ${formatSek(amount)} SEK (${basis.trim()})`,
        days: 0,
        dates: [],
        pricePerDay: 0,
        amount,
        eventIds: [],
        dayDetails: [],
      });
    }
  }

  if (request.supportCost) {
    const { amount, referenceDate } = request.supportCost;
    if (amount <= 0)
      throw new InvoicingError(
        'INVALID_INPUT',
        'supportCost.amount must be more than 0',
        'supportCost.amount',
      );
    if (!isIsoDate(referenceDate))
      throw new InvoicingError(
        'INVALID_INPUT',
        'supportCost.referenceDate must be a date YYYY-MM-DD',
        'supportCost.referenceDate',
      );
    const counts = (await userCountsAt(prisma, referenceDate)).filter((c) => c.users > 0);
    const total = counts.reduce((s, c) => s + c.users, 0);
    if (total === 0) {
      throw new InvoicingError(
        'NO_USERS',
        `no logins in the twelve months up to ${referenceDate}: there are no users to share the support cost by`,
        'supportCost.referenceDate',
      );
    }
    const shares = allocateByHsaId(
      amount,
      counts.map((c) => ({
        key: c.organizationId,
        hsaId: byId.get(c.organizationId)?.hsaId ?? c.organizationId,
        weight: c.users,
      })),
    );
    for (const c of counts) {
      if (byId.get(c.organizationId)?.kind === 'CARE_PROVIDER') continue;
      const share = shares.parts.get(c.organizationId)!;
      add(c.organizationId, {
        caseId: null,
        description: `Support cost: ${c.users} of ${total} users on ${referenceDate} × ${formatSek(amount)} SEK = ${formatSek(share)} SEK (${decimalOf(Math.round(amount / total))} SEK per user; ${TIE_RULE}; ${shares.roundedUp.has(c.organizationId) ? 'this share got 1 öre' : 'no öre added to this share'})`,
        days: 0,
        dates: [],
        pricePerDay: 0,
        amount: share,
        eventIds: [],
        dayDetails: [],
      });
    }
  }

  const outcomes: WriteOutcome[] = [];
  for (const [debtorId, debtorLines] of [...lines].sort(([a], [b]) => a.localeCompare(b))) {
    outcomes.push(
      await writeDraft(
        prisma,
        {
          kind: 'COST_SHARING',
          debtorId,
          creditorId: request.creditorId,
          period: periodDate(request.month),
        },
        null,
        debtorLines,
        'the cost shares changed when drafted again',
      ),
    );
  }
  return outcomes;
}
