import type { InvoiceStatus } from '../../generated/graphql.js';

const kronor = new Intl.NumberFormat('sv-SE', { style: 'currency', currency: 'SEK' });

/** A Decimal from the API (a string, exact) as kronor; only formatted, never summed here. */
export const formatKronor = (amount: string | null | undefined): string =>
  amount === null || amount === undefined ? '–' : kronor.format(Number(amount));

export const STATUS_LABELS: Record<InvoiceStatus, string> = {
  DRAFT: 'Draft (utkast)',
  APPROVED: 'Approved (attesterad)',
  SENT: 'Sent (skickad)',
};

/** The last whole month on the Stockholm clock, YYYY-MM. */
export function previousMonth(today: string): string {
  const [year, month] = today.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(year, month - 2, 1)).toISOString().slice(0, 7);
}

/** `months` months back from `month` (YYYY-MM), for a statistics period. */
export function monthsBefore(month: string, months: number): string {
  const [year, m] = month.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(year, m - 1 - months, 1)).toISOString().slice(0, 7);
}
