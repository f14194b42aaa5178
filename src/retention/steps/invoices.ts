/**
 * The invoice basis (accounting records): an invoice with its lines goes when the
 * retention of both its debtor and its creditor has run out, counted from the end of the
 * fiscal year of its period, unless a hold on either organisation, or on a case or patient
 * it charges for, keeps it. An invoice whose lines a kept invoice corrects stays with it.
 * Newest first, so a correcting invoice goes before the one it corrects.
 */
import { type IsoDate, startOfStockholmDay } from '../../domain/calendar.js';
import { addMonthsToDate } from '../../domain/retention/rules.js';
import { checkpoint, type StepContext } from '../context.js';
import { ownerRules, policyById } from '../policies.js';
import { purgeLockedByPolicy } from '../purge-transaction.js';
import {
  addOrganizationCounts,
  addToRecord,
  lineFor,
  OrganizationTally,
  setCensus,
} from '../record.js';

interface Verdict {
  id: string;
  period: Date;
  policy_id: string;
  held: boolean;
  kept_by_correction: boolean;
  debtor_id: string;
  creditor_id: string;
}

function verdictSql(selection: string): string {
  return `
WITH rule AS (
  SELECT * FROM jsonb_to_recordset($1::jsonb)
    AS r(organization_id uuid, policy_id uuid, months integer, days integer, keep integer[], as_of date)
), judged AS (
  SELECT i.id, i.period, i.debtor_id, i.creditor_id,
    (array_agg(r.policy_id ORDER BY kept.through DESC, r.policy_id))[1] AS policy_id,
    bool_and(kept.through < least(r.as_of, $2::date))
      AND count(*) = CASE WHEN i.debtor_id = i.creditor_id THEN 1 ELSE 2 END AS due
  FROM invoice i
  JOIN rule r ON r.organization_id IN (i.debtor_id, i.creditor_id)
  CROSS JOIN LATERAL (
    SELECT (make_date(extract(year FROM i.period)::int, 12, 31)
            + make_interval(months => r.months, days => r.days))::date AS through
  ) kept
  ${selection}
  GROUP BY i.id
), held AS (
  SELECT j.*, EXISTS (
    SELECT 1 FROM legal_hold h
    WHERE h.released_at IS NULL AND (
      h.organization_id IN (j.debtor_id, j.creditor_id)
      OR h.organization_id IN (SELECT parent_id FROM organization WHERE id IN (j.debtor_id, j.creditor_id))
      OR h.case_id IN (SELECT l.case_id FROM invoice_line l WHERE l.invoice_id = j.id)
      OR h.patient_id IN (SELECT c.patient_id FROM invoice_line l JOIN "case" c ON c.id = l.case_id
                          WHERE l.invoice_id = j.id))
  ) AS held
  FROM judged j WHERE j.due
)
SELECT h.id, h.period, h.policy_id, h.held, h.debtor_id, h.creditor_id,
  EXISTS (
    SELECT 1 FROM invoice_line l1 JOIN invoice_line l2 ON l2.corrects_line_id = l1.id
    WHERE l1.invoice_id = h.id AND l2.invoice_id <> h.id
      AND l2.invoice_id NOT IN (SELECT d.id FROM held d WHERE NOT d.held)
  ) AS kept_by_correction
FROM held h
ORDER BY h.period DESC, h.id`;
}

const ALL_DUE = verdictSql('WHERE i.period < $3');
const LOCKED = verdictSql('WHERE i.id = ANY ($3::uuid[])');

export async function purgeInvoices(context: StepContext): Promise<void> {
  const rules = ownerRules(context.book, 'INVOICE_BASIS', context.mode, context.asOf);
  if (rules.length === 0) return;
  const rulesJson = JSON.stringify(rules);
  const shortest = Math.min(...rules.map((r) => r.months));
  // A period in or after the year this bound falls in cannot be due yet.
  const bound = startOfStockholmDay(
    `${addMonthsToDate(context.asOf, -shortest).slice(0, 4)}-01-01` as IsoDate,
  );
  const due = (await context.pool.query<Verdict>(ALL_DUE, [rulesJson, context.asOf, bound])).rows;

  const census = new Map<
    string,
    {
      organizations: OrganizationTally;
      held: number;
      due: number;
      earliest: Date | null;
      latest: Date | null;
    }
  >();
  for (const v of due) {
    const c = census.get(v.policy_id) ?? {
      organizations: new OrganizationTally(),
      held: 0,
      due: 0,
      earliest: null,
      latest: null,
    };
    const owners = [v.debtor_id, v.creditor_id];
    if (v.held) {
      c.held += 1;
      c.organizations.add(owners, 'held');
    } else if (!v.kept_by_correction) {
      c.due += 1;
      if (context.mode === 'DRY_RUN') c.organizations.add(owners, 'purged', v.period);
      c.earliest = c.earliest && c.earliest < v.period ? c.earliest : v.period;
      c.latest = c.latest && c.latest > v.period ? c.latest : v.period;
    }
    census.set(v.policy_id, c);
  }
  const purgeable = due.filter((v) => !v.held && !v.kept_by_correction).map((v) => v.id);
  let purged = 0;
  if (context.mode === 'PURGE') {
    for (let i = 0; i < purgeable.length; i += context.batchSize) {
      checkpoint(context);
      purged += await purgeBatch(context, rulesJson, purgeable.slice(i, i + context.batchSize));
      context.progress({
        recordClass: 'INVOICE_BASIS',
        examined: i,
        total: purgeable.length,
        purged,
      });
    }
  }
  context.progress({
    recordClass: 'INVOICE_BASIS',
    examined: purgeable.length,
    total: purgeable.length,
    purged,
  });
  for (const [policyId, c] of census) {
    const line = lineFor(context, 'INVOICE_BASIS', policyById(context.book, policyId));
    await addOrganizationCounts(context.pool, line, 'CENSUS', c.organizations.counts());
    await setCensus(
      context.pool,
      line,
      context.mode === 'DRY_RUN'
        ? {
            held: c.held,
            keptForResearch: 0,
            purged: c.due,
            earliest: c.earliest,
            latest: c.latest,
          }
        : { held: c.held, keptForResearch: 0 },
    );
  }
}

function purgeBatch(context: StepContext, rulesJson: string, ids: string[]): Promise<number> {
  return purgeLockedByPolicy(context.pool, context.stats, {
    table: 'invoice',
    ids,
    judge: async (client, locked) =>
      (await client.query<Verdict>(LOCKED, [rulesJson, context.asOf, locked])).rows,
    purgeable: (v) => !v.held && !v.kept_by_correction,
    purgeGroup: async (client, policyId, group) => {
      const { rows } = await client.query<{ counts: Record<string, number> }>(
        'SELECT retention_purge_invoices($1::uuid[]) AS counts',
        [group.map((v) => v.id)],
      );
      const counts = rows[0]?.counts ?? {};
      const periods = group.map((v) => v.period.getTime());
      const line = lineFor(context, 'INVOICE_BASIS', policyById(context.book, policyId));
      const organizations = new OrganizationTally();
      for (const v of group) organizations.add([v.debtor_id, v.creditor_id], 'purged', v.period);
      await addOrganizationCounts(client, line, 'BATCH', organizations.counts());
      await addToRecord(client, line, {
        purged: counts.invoice ?? 0,
        rows: counts,
        earliest: new Date(Math.min(...periods)),
        latest: new Date(Math.max(...periods)),
      });
      return counts.invoice ?? 0;
    },
  });
}
