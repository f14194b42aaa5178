/**
 * `npm run bench:console-log -- [runs]`: the security officer's log review in the browser at
 * region scale (issue 13: "first page of a patient's 12-month log in under 1 s, measured in
 * the browser"). Needs the region-year of `npm run seed:scale` in DATABASE_URL (default
 * brygga_scale) and web/console built (npm ci builds it).
 *
 * The API runs in this process with the demo IdP (development mode: production refuses
 * it), Debian's Chromium signs in through it as the scale region's security officer (the
 * persona offered when seed:scale's region is there), and opens the log review. Each run
 * reloads the console (no cached answers), types the patient with the most rows in the
 * region's log over the data's twelve months and the period, and times in the page, from
 * the Search button's click to the first row of the table painted; then scrolls to the end
 * of the table and times the next page (rows 101–200) the same way. The first run is
 * reported apart (cold caches); median and p95 are over the rest. JSON on stdout; the
 * numbers go to docs/performance.md by hand.
 *
 * Each search is logged by the API as the officer's read of the patient (100 rows a page):
 * run it on a bench database, never on one whose log matters.
 */
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { Page } from 'playwright-core';
import { loadConfig } from '../src/config.js';
import { SCALE_REGION } from '../src/db/seed/scale-reference-data.js';
import { startServer } from '../src/http/app.js';
import { SCALE_PERSONAS } from '../src/identity/demo-idp/personas.js';
import { openBrowser } from '../test/support/browser.js';
import { freePort } from '../test/support/demo-login.js';

const runs = Number(process.argv[2] ?? 9);
if (!Number.isInteger(runs) || runs < 2) {
  process.stderr.write('bench-console-log: runs must be a whole number of at least 2\n');
  process.exit(64);
}
const databaseUrl = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/brygga_scale';
const officer = SCALE_PERSONAS.find((p) => p.key === 'security-officer-scale-region');

/** The patient with the most rows in the scale region's log over its last twelve months. */
async function busiestPatient(): Promise<{ pin: string; rows: number; from: string; to: string }> {
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    // The seeded year, not the bench's own searches (logged as the officer's reads, now).
    const { rows: span } = await db.query<{ last: Date | null }>(
      'SELECT max(time) AS last FROM access_log WHERE provider_hsa_id = $1 AND user_hsa_id <> $2',
      [SCALE_REGION, officer!.hsaId],
    );
    const last = span[0]?.last;
    if (!last) throw new Error('no access log of the scale region: run npm run seed:scale first');
    const to = last.toISOString().slice(0, 10);
    const from = new Date(last.getTime() - 364 * 86_400_000).toISOString().slice(0, 10);
    const { rows } = await db.query<{ pin: string; n: number }>(
      `SELECT personal_identity_number AS pin, count(*)::int AS n FROM access_log
       WHERE provider_hsa_id = $1 AND time >= $2::date AND time < $3::date + 1
         AND user_hsa_id <> $4
       GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 1`,
      [SCALE_REGION, from, to, officer!.hsaId],
    );
    return { pin: rows[0]!.pin, rows: rows[0]!.n, from, to };
  } finally {
    await db.end();
  }
}

/**
 * Starts the search (or scrolls to the end of the table) and resolves with the milliseconds
 * until the first row is in the table (or the table has more rows), then one animation frame
 * later: the rows painted. Runs in the page, so no round trip to this process is counted.
 * A string, not a function: tsx would wrap a function's inner names in a helper the page
 * does not have.
 */
const TIME_IN_PAGE = `(kind) => new Promise((resolve, reject) => {
  const table = () => document.querySelector('[data-testid="access-log-table"]');
  const rowCount = () => Number(table()?.querySelector('table')?.getAttribute('aria-rowcount') ?? 0);
  const before = rowCount();
  const done = () => kind === 'search'
    ? (table()?.querySelectorAll('tbody tr:not(.vtable__spacer)').length ?? 0) > 0
    : rowCount() > before;
  const timer = setTimeout(() => reject(new Error(kind + ': nothing after 120 s')), 120000);
  const start = performance.now();
  const observer = new MutationObserver(() => {
    if (!done()) return;
    observer.disconnect();
    requestAnimationFrame(() => { clearTimeout(timer); resolve(performance.now() - start); });
  });
  observer.observe(document.body, { subtree: true, childList: true, attributes: true });
  if (kind === 'search') {
    document.querySelector('form[aria-label="Search the access log"] button[type="submit"]').click();
  } else {
    const scroller = table();
    scroller.scrollTop = scroller.scrollHeight;
  }
})`;

const timeInPage = (page: Page, kind: 'search' | 'next-page') =>
  page.evaluate<number>(`(${TIME_IN_PAGE})(${JSON.stringify(kind)})`);

const stats = (times: number[]) => {
  const sorted = [...times].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
  return { median: Math.round(at(0.5)), p95: Math.round(at(0.95)), max: Math.round(at(1)) };
};

const patient = await busiestPatient();
const port = await freePort();
const config = loadConfig({
  NODE_ENV: 'development',
  DEMO_IDP: 'true',
  PORT: String(port),
  PUBLIC_URL: `http://127.0.0.1:${port}`,
  DATABASE_URL: databaseUrl,
  LOG_LEVEL: 'error',
  SCHEDULER_ENABLED: 'false',
  // Fixed, as the other benches': the demo IdP's key is kept in the database under it.
  IDENTITY_KEY_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
});
const server = await startServer({ ...config, DATABASE_URL: databaseUrl });
const browser = await openBrowser();
const first: number[] = [];
const next: number[] = [];
let totalShown = '';
try {
  const { page } = browser;
  await page.goto(`${server.url}/console/security`);
  await page.getByRole('link', { name: 'Sign in with Demo IdP (development)' }).click();
  await page.waitForURL(/\/demo-idp\//);
  await page.getByRole('button', { name: officer!.label }).click();
  const heading = page.getByRole('heading', { name: 'Access log (logguppföljning)' });
  // The console trades the session cookie for a token as it starts; reloading before that
  // finished would present a cookie already rotated.
  await heading.waitFor();
  for (let i = 0; i < runs; i++) {
    await page.goto(`${server.url}/console/security`);
    await heading.waitFor();
    const form = page.getByRole('form', { name: 'Search the access log' });
    await form.getByLabel('Patient (personnummer)').fill(patient.pin);
    await form.getByLabel('From').fill(patient.from);
    await form.getByLabel('To (inclusive)').fill(patient.to);
    first.push(await timeInPage(page, 'search'));
    next.push(await timeInPage(page, 'next-page'));
    totalShown = (await page.getByTestId('load-progress').textContent()) ?? '';
    process.stderr.write(
      `run ${i + 1}/${runs}: first page ${Math.round(first.at(-1)!)} ms, next page ${Math.round(next.at(-1)!)} ms\n`,
    );
  }
  if (browser.nonLoopbackRequests.length > 0) throw new Error('a request left loopback');
} catch (error) {
  const shot = path.join(tmpdir(), 'bench-console-log-failure.png');
  await browser.page.screenshot({ path: shot });
  process.stderr.write(`bench-console-log: failed; the page is in ${shot}\n`);
  throw error;
} finally {
  await browser.close();
  await server.close();
}

process.stdout.write(
  `${JSON.stringify(
    {
      date: new Date().toISOString(),
      loadAverage: loadavg().map((l) => Number(l.toFixed(2))),
      patientRows: patient.rows,
      period: { from: patient.from, to: patient.to },
      shown: totalShown,
      runs,
      firstPageMs: { cold: Math.round(first[0]!), ...stats(first.slice(1)) },
      nextPageMs: { cold: Math.round(next[0]!), ...stats(next.slice(1)) },
    },
    null,
    2,
  )}\n`,
);
process.exit(0);
