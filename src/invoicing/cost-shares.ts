/**
 * The system cost shared by population, as a pure calculation: who pays what, and why, in
 * words a municipality can check by hand. Loading the figures and writing the invoices is
 * cost-sharing.ts's.
 *
 * - Splitting to the öre: each part is its exact share rounded down; the öre left over go
 *   one each to the largest remainders, and equal remainders to the lowest HSA-ID (a rule
 *   that does not depend on database ids). The line says whether its share got such an öre.
 *   Parts always sum to the amount split (exact integer arithmetic, BigInt).
 * - Residents without a district: a municipality with districts may have a figure of its
 *   own, read as residents registered in no district (folkbokförda utan stadsdel). They are
 *   spread over its districts by rule, PROPORTIONAL to the districts' residents or EQUAL,
 *   whole residents with the same remainder rule, before the cost is shared.
 * - Caps: a cap per debtor for the run, and a contract cap over the whole contract period
 *   carried across runs (what the debtor was invoiced under the contract before is
 *   subtracted). What a cap cuts off stays with the region.
 * - Rate from a cap: the price per resident is the lower of the amount over all residents
 *   and the contract cap for the run's share of the contract period over the residents of
 *   the largest debtor, so the largest debtor pays exactly up to its cap; every debtor pays
 *   that rate × its residents, rounded once, half-up, to the öre.
 */
import { Fraction, roundOre } from '../domain/payment/exact.js';
import { formatSek, type Ore } from './money.js';

export interface PopulationEntry {
  organizationId: string;
  hsaId: string;
  name: string;
  /** The municipality a district belongs to. */
  parentId: string | null;
  population: number;
}

export type UnassignedRule = 'PROPORTIONAL' | 'EQUAL';

export interface CostContract {
  name: string;
  /** The most one debtor pays over the whole contract period. */
  cap: Ore;
  /** Months in the contract period (e.g. 96 for 8 years). */
  months: number;
  /** What each debtor was invoiced under the contract in other runs (net of credits). */
  invoicedBefore: ReadonlyMap<string, Ore>;
}

export interface SystemCostRule {
  amount: Ore;
  populationYear: number;
  capPerDebtor: Ore | null;
  contract: CostContract | null;
  /** Months of the contract period this run covers; set: the rate is derived from the cap. */
  rateFromCapMonths: number | null;
  unassigned: UnassignedRule | null;
}

export interface ShareLine {
  organizationId: string;
  amount: Ore;
  description: string;
}

export type SharesResult =
  | { ok: true; lines: ShareLine[]; regionBears: Ore }
  | { ok: false; code: 'DOUBLE_COUNTED_POPULATION' | 'INVALID_INPUT'; message: string };

export const TIE_RULE =
  'öre left after rounding down go to the largest remainders, equal remainders to the lowest HSA-ID';

export interface Allocation {
  parts: Map<string, Ore>;
  /** Keys whose part got one of the öre left over. */
  roundedUp: Set<string>;
}

/**
 * Splits `total` (whole units: öre or residents) in proportion to the weights: rounded
 * down, then the units left over one each to the largest remainders, ties to the lowest
 * HSA-ID. Weights must be non-negative whole numbers with a positive sum.
 */
export function allocateByHsaId(
  total: number,
  entries: readonly { key: string; hsaId: string; weight: number }[],
): Allocation {
  const sum = entries.reduce((s, e) => s + BigInt(e.weight), 0n);
  if (sum <= 0n) throw new RangeError('allocateByHsaId needs weights with a positive sum');
  const t = BigInt(total);
  const parts = entries.map((e) => {
    const product = t * BigInt(e.weight);
    return { ...e, floor: product / sum, remainder: product % sum };
  });
  let left = t - parts.reduce((s, p) => s + p.floor, 0n);
  const order = [...parts].sort((a, b) =>
    a.remainder === b.remainder
      ? a.hsaId.localeCompare(b.hsaId)
      : a.remainder > b.remainder
        ? -1
        : 1,
  );
  const roundedUp = new Set<string>();
  for (const part of order) {
    if (left <= 0n) break;
    part.floor += 1n;
    roundedUp.add(part.key);
    left -= 1n;
  }
  return { parts: new Map(parts.map((p) => [p.key, Number(p.floor)])), roundedUp };
}

const halfUp = roundOre;

/** "3000" or, with residents without a district, "3000 + 750 of … (how) = 3750". */
function residentsText(
  d: PopulationEntry & { spread: number; note: string },
  write: (n: number) => string,
): string {
  return d.note === ''
    ? write(d.population)
    : `${write(d.population)}${d.note} = ${write(d.population + d.spread)}`;
}

const group = (n: number) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, '\u00a0');

/** The debtors' populations with residents without a district spread over the districts. */
function effectivePopulations(
  figures: readonly PopulationEntry[],
  unassigned: UnassignedRule | null,
):
  | { ok: true; debtors: (PopulationEntry & { spread: number; note: string })[] }
  | Extract<SharesResult, { ok: false }> {
  const counted = new Map(figures.map((f) => [f.organizationId, f]));
  const parents = figures.filter((f) => figures.some((d) => d.parentId === f.organizationId));
  if (parents.length > 0 && unassigned === null) {
    const districts = figures.filter((f) => f.parentId !== null && counted.has(f.parentId));
    return {
      ok: false,
      code: 'DOUBLE_COUNTED_POPULATION',
      message:
        `${districts.map((d) => d.name).join(', ')} and the municipality they belong to both have a population; ` +
        'keep either the districts or the municipality, or read the municipality’s figure as residents without a district ' +
        '(unassignedResidents: PROPORTIONAL or EQUAL)',
    };
  }
  const spread = new Map<string, { n: number; note: string }>();
  for (const parent of parents) {
    const districts = figures.filter((d) => d.parentId === parent.organizationId);
    const allocation = allocateByHsaId(
      parent.population,
      districts.map((d) => ({
        key: d.organizationId,
        hsaId: d.hsaId,
        weight: unassigned === 'EQUAL' ? 1 : d.population,
      })),
    );
    const how =
      unassigned === 'EQUAL'
        ? `spread equally over ${districts.length} districts`
        : `spread in proportion to the districts’ residents`;
    for (const d of districts) {
      const n = allocation.parts.get(d.organizationId) ?? 0;
      spread.set(d.organizationId, {
        n,
        note: ` + ${group(n)} of ${parent.name}’s ${group(parent.population)} residents without a district (${how}; whole residents, ${TIE_RULE.replace('öre', 'residents')})`,
      });
    }
  }
  return {
    ok: true,
    debtors: figures
      .filter((f) => !parents.includes(f))
      .map((f) => ({
        ...f,
        spread: spread.get(f.organizationId)?.n ?? 0,
        note: spread.get(f.organizationId)?.note ?? '',
      })),
  };
}

/**
 * The rate per resident derived from the contract cap, when it is below the amount over
 * all residents and the rounded parts stay within the amount; otherwise null, and the
 * amount is split by population (a cap that does not bind derives nothing).
 */
function rateFromCap<D extends PopulationEntry>(
  rule: SystemCostRule,
  debtors: readonly D[],
  residents: (d: D) => number,
  total: number,
): { rate: Fraction; why: string; parts: Map<string, Ore> } | null {
  if (rule.rateFromCapMonths === null || rule.contract === null) return null;
  const contract = rule.contract;
  const largest = debtors.reduce((a, b) =>
    residents(b) > residents(a) || (residents(b) === residents(a) && b.hsaId < a.hsaId) ? b : a,
  );
  const capForRun = new Fraction(contract.cap).mul(rule.rateFromCapMonths).div(contract.months);
  const rate = capForRun.div(residents(largest));
  if (rate.compare(new Fraction(rule.amount).div(total)) >= 0) return null;
  const parts = new Map(debtors.map((d) => [d.organizationId, halfUp(rate.mul(residents(d)))]));
  if ([...parts.values()].reduce((a, b) => a + b, 0) > rule.amount) return null;
  return {
    rate,
    why: `the contract cap ${formatSek(contract.cap)} SEK × ${rule.rateFromCapMonths}/${contract.months} months over the ${group(residents(largest))} residents of ${largest.name}, the largest`,
    parts,
  };
}

/** Each debtor's share of the system cost, and what the region bears. */
export function shareSystemCost(
  rule: SystemCostRule,
  figures: readonly PopulationEntry[],
): SharesResult {
  if (rule.rateFromCapMonths !== null && rule.contract === null) {
    return {
      ok: false,
      code: 'INVALID_INPUT',
      message: 'a rate derived from a cap needs the contract whose cap it is (contractId)',
    };
  }
  const effective = effectivePopulations(figures, rule.unassigned);
  if (!effective.ok) return effective;
  const debtors = [...effective.debtors].sort((a, b) => a.hsaId.localeCompare(b.hsaId));
  const residents = (d: (typeof debtors)[number]) => d.population + d.spread;
  const total = debtors.reduce((s, d) => s + residents(d), 0);
  if (total <= 0) {
    return { ok: false, code: 'INVALID_INPUT', message: 'the population figures sum to 0' };
  }

  const full = new Map<string, Ore>();
  const basis = new Map<string, string>();
  const byRate = rateFromCap(rule, debtors, residents, total);
  if (byRate !== null) {
    for (const d of debtors) {
      full.set(d.organizationId, byRate.parts.get(d.organizationId)!);
      basis.set(
        d.organizationId,
        `System cost ${rule.populationYear}: ${residentsText(d, group)} residents × ${byRate.rate.div(100).valueOf().toFixed(4)} SEK per resident (≈) (${byRate.why}), rounded once, half-up, to the öre`,
      );
    }
  } else {
    const allocation = allocateByHsaId(
      rule.amount,
      debtors.map((d) => ({ key: d.organizationId, hsaId: d.hsaId, weight: residents(d) })),
    );
    for (const d of debtors) {
      const share = allocation.parts.get(d.organizationId)!;
      full.set(d.organizationId, share);
      basis.set(
        d.organizationId,
        `System cost ${rule.populationYear} by population: ${residentsText(d, String)} of ${total} residents × ${formatSek(rule.amount)} SEK = ${formatSek(share)} SEK (${TIE_RULE}; ${allocation.roundedUp.has(d.organizationId) ? 'this share got 1 öre' : 'no öre added to this share'})`,
      );
    }
  }

  const lines: ShareLine[] = [];
  let charged = 0;
  for (const d of debtors) {
    const fullShare = full.get(d.organizationId)!;
    let share = fullShare;
    const caps: string[] = [];
    if (rule.capPerDebtor !== null && share > rule.capPerDebtor) {
      share = rule.capPerDebtor;
      caps.push(`capped at ${formatSek(share)} SEK for the run`);
    }
    if (rule.contract !== null) {
      const before = rule.contract.invoicedBefore.get(d.organizationId) ?? 0;
      const left = Math.max(0, rule.contract.cap - before);
      if (share > left) {
        share = left;
        caps.push(
          `capped at ${formatSek(share)} SEK: ${rule.contract.name} caps the contract period at ${formatSek(rule.contract.cap)} SEK and ${formatSek(before)} SEK was invoiced under it before`,
        );
      }
    }
    charged += share;
    lines.push({
      organizationId: d.organizationId,
      amount: share,
      description:
        basis.get(d.organizationId)! +
        (caps.length === 0 ? '' : `, ${caps.join('; ')} (the region bears the rest)`),
    });
  }
  return { ok: true, lines, regionBears: rule.amount - charged };
}
