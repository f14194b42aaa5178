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
  startOfStockholmDay,
  type YearMonth,
} from '../domain/calendar.js';
import type { BasisLine } from './basis.js';
import { InvoicingError } from './errors.js';
import { type WriteOutcome, writeDraft } from './invoice-writer.js';
import { allocate, decimalOf, formatSek, type Ore } from './money.js';
import { dateColumn, periodDate } from './month.js';

export interface CostSharingRequest {
  creditorId: string;
  month: YearMonth;
  /**
   * `capPerDebtor`: the most one debtor pays for the period (Stockholm's seed agreement
   * keeps each district under the procurement-law threshold); what a cap cuts off stays
   * with the region.
   */
  systemCost?: { amount: Ore; populationYear: number; capPerDebtor?: Ore | null } | null;
  supportCost?: { amount: Ore; referenceDate: IsoDate } | null;
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
export async function countUsers(
  prisma: PrismaClient,
  referenceDate: IsoDate,
): Promise<UserCountRow[]> {
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
export async function userCountsAt(
  prisma: PrismaClient,
  referenceDate: IsoDate,
): Promise<UserCountRow[]> {
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

export async function draftCostSharing(
  prisma: PrismaClient,
  request: CostSharingRequest,
): Promise<WriteOutcome[]> {
  const creditor = await prisma.organization.findUnique({ where: { id: request.creditorId } });
  if (creditor?.kind !== 'CARE_PROVIDER') {
    throw new InvoicingError(
      'NOT_A_CREDITOR',
      'only a region (care provider) invoices cost sharing',
    );
  }
  if (!request.systemCost && !request.supportCost) {
    throw new InvoicingError('INVALID_INPUT', 'give systemCost, supportCost or both', 'systemCost');
  }
  const orgs = await prisma.organization.findMany({
    select: { id: true, kind: true, name: true, parentId: true },
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
    const counted = new Set(figures.map((f) => f.organizationId));
    const doubled = figures.filter((f) => {
      const parent = byId.get(f.organizationId)?.parentId;
      return parent != null && counted.has(parent);
    });
    if (doubled.length > 0) {
      throw new InvoicingError(
        'DOUBLE_COUNTED_POPULATION',
        `${doubled.map((f) => byId.get(f.organizationId)?.name).join(', ')} and the municipality they belong to both have a population for ${populationYear}; keep either the districts or the municipality`,
        'systemCost.populationYear',
      );
    }
    const total = figures.reduce((s, f) => s + f.population, 0);
    const shares = allocate(amount, new Map(figures.map((f) => [f.organizationId, f.population])));
    for (const f of figures) {
      const fullShare = shares.get(f.organizationId)!;
      const share = capPerDebtor != null && fullShare > capPerDebtor ? capPerDebtor : fullShare;
      const capped =
        share < fullShare ? `, capped at ${formatSek(share)} SEK (the region bears the rest)` : '';
      add(f.organizationId, {
        caseId: null,
        description: `System cost ${populationYear} by population: ${f.population} of ${total} residents × ${formatSek(amount)} SEK = ${formatSek(fullShare)} SEK${capped}`,
        days: 0,
        dates: [],
        pricePerDay: 0,
        amount: share,
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
    const shares = allocate(amount, new Map(counts.map((c) => [c.organizationId, c.users])));
    for (const c of counts) {
      if (byId.get(c.organizationId)?.kind === 'CARE_PROVIDER') continue;
      const share = shares.get(c.organizationId)!;
      add(c.organizationId, {
        caseId: null,
        description: `Support cost: ${c.users} of ${total} users on ${referenceDate} × ${formatSek(amount)} SEK = ${formatSek(share)} SEK (${decimalOf(Math.round(amount / total))} SEK per user)`,
        days: 0,
        dates: [],
        pricePerDay: 0,
        amount: share,
        eventIds: [],
        dayDetails: [],
      });
    }
  }

  return prisma.$transaction(async (tx) => {
    const outcomes: WriteOutcome[] = [];
    for (const [debtorId, debtorLines] of [...lines].sort(([a], [b]) => a.localeCompare(b))) {
      outcomes.push(
        await writeDraft(
          tx,
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
  });
}
