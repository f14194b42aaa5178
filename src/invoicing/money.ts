/**
 * Amounts as whole öre (hundredths of a krona) while computing, so sums are exact, and
 * as decimal strings ("9300.00") at the database and API boundary.
 */
export type Ore = number;

export function oreOf(sek: number | string | { toString(): string }): Ore {
  const text = typeof sek === 'number' ? sek.toFixed(2) : sek.toString();
  const match = /^(-?)(\d+)(?:\.(\d{1,2}))?\d*$/.exec(text.trim());
  if (!match) throw new RangeError(`not an amount in SEK: '${text}'`);
  const ore = Number(match[2]) * 100 + Number((match[3] ?? '').padEnd(2, '0'));
  return match[1] === '-' ? -ore : ore;
}

export function decimalOf(ore: Ore): string {
  const sign = ore < 0 ? '-' : '';
  const abs = Math.abs(ore);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** "9 300,00" as Swedish invoices write amounts. */
export function formatSek(ore: Ore): string {
  const [whole, fraction] = decimalOf(Math.abs(ore)).split('.');
  const grouped = whole!.replace(/\B(?=(\d{3})+(?!\d))/g, '\u00a0');
  return `${ore < 0 ? '−' : ''}${grouped},${fraction}`;
}
