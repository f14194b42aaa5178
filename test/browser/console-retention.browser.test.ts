import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openBrowser, type TestBrowser } from '../support/browser.js';
import {
  apiAsSignedIn,
  expectStayedOffline,
  SHOTS,
  signInToConsole,
  signOutOfConsole,
  startConsoleServer,
} from '../support/console-browser.js';
import { runRetentionCli } from '../support/retention-cli.js';
import type { TestServer } from '../support/server.js';

/**
 * The information owner's retention area (gallring) in Chromium against the real server:
 * the policies beside the law's minimums, placing a legal hold (refused without a reason,
 * then placed) and releasing it with a reason, and the purge records. No request leaves
 * loopback, no CSP violation. Screenshots (1280×800) go to docs/screenshots.
 */

const OWNER = 'Information owner, Region Stockholm';

describe('the retention area in a browser', () => {
  let server: TestServer;
  let browser: TestBrowser;

  beforeAll(async () => {
    server = await startConsoleServer();
    browser = await openBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });
  afterEach(() => expectStayedOffline(browser));

  it('shows the information owner the policies in force beside the law’s minimums', async () => {
    const { page } = browser;
    await signInToConsole(page, server.url, OWNER);
    const menu = page.getByRole('navigation', { name: 'Console areas' });
    await menu.getByRole('link', { name: 'Retention (gallring)' }).click();
    await page.waitForURL(`${server.url}/console/retention`);
    await page.getByRole('heading', { name: 'Retention policies (gallringsregler)' }).waitFor();
    const table = page.getByTestId('policies-table');
    await table.waitFor();
    const accessLog = table.getByRole('row', { name: /^Access log/ });
    // Region Stockholm's decision and the law's five years (HSLF-FS 2016:40).
    expect(await accessLog.locator('td').nth(1).textContent()).toBe('5 years');
    const invoices = table.getByRole('row', { name: /^Invoice basis/ });
    expect(await invoices.locator('td').nth(1).textContent()).toBe('7 years');
    expect(
      await table
        .getByRole('row', { name: /^Cases/ })
        .locator('td')
        .nth(1)
        .textContent(),
    ).toBe('–');
    expect(await page.getByTestId('retention-mode').textContent()).toContain('Region Stockholm');
    await page.screenshot({ path: `${SHOTS}/console-retention.png` });
  });

  it('places a hold on the organisation with a reason, and releases it with one', async () => {
    const { page } = browser;
    await page.getByRole('link', { name: 'Legal holds (spärr)' }).click();
    await page.getByRole('heading', { name: 'Legal holds (spärr mot gallring)' }).waitFor();
    await page.getByTestId('no-holds').waitFor();
    const form = page.getByRole('form', { name: 'Place a legal hold' });
    await form.getByLabel('What to hold').selectOption('ORGANIZATION');
    await form.getByLabel('Reference (diarienummer)').fill('RS 2026-1187');
    // Without a reason the API refuses, and the refusal is shown in the form.
    await form.getByRole('button', { name: 'Place hold' }).click();
    expect(await form.getByTestId('refusal-code').textContent()).toBe('REASON_REQUIRED');
    expect(await page.getByTestId('hold-row').count()).toBe(0);

    await form.getByLabel('Reason').fill('Tillsyn från IVO: inget får gallras under granskningen.');
    await form.getByRole('button', { name: 'Place hold' }).click();
    await page.getByRole('status').getByText('Hold placed: Whole organisation.').waitFor();
    const row = page.getByTestId('hold-row');
    await row.waitFor();
    expect(await row.textContent()).toContain('Tillsyn från IVO');
    expect(await row.textContent()).toContain('RS 2026-1187');
    expect(await row.textContent()).toContain('Ingrid Wall');
    await page.screenshot({ path: `${SHOTS}/console-retention-holds.png` });
    const placed = (await apiAsSignedIn(page, '{ legalHolds(active: true) { target reason } }'))
      .data as { legalHolds: { target: string; reason: string }[] };
    expect(placed.legalHolds).toEqual([
      { target: 'ORGANIZATION', reason: 'Tillsyn från IVO: inget får gallras under granskningen.' },
    ]);

    await row.getByRole('button', { name: /^Release…/ }).click();
    const release = row.getByRole('form', { name: /^Release the hold/ });
    await release.getByRole('button', { name: 'Release hold' }).click();
    expect(await release.getByTestId('refusal-code').textContent()).toBe('REASON_REQUIRED');
    await release.getByLabel('Reason for release').fill('Granskningen avslutad.');
    await release.getByRole('button', { name: 'Release hold' }).click();
    await page.getByTestId('no-holds').waitFor();
    await page.getByLabel('Show released holds too').check();
    const released = page.getByTestId('released');
    await released.waitFor();
    expect(await released.textContent()).toContain('Granskningen avslutad.');
    const after = (await apiAsSignedIn(page, '{ legalHolds(active: true) { id } }')).data as {
      legalHolds: unknown[];
    };
    expect(after.legalHolds).toEqual([]);
  });

  it('shows the purge records and what the next run would purge', async () => {
    const { page } = browser;
    await page.getByRole('link', { name: 'Purge records (gallringsprotokoll)' }).click();
    await page.getByRole('heading', { name: 'Purge records (gallringsprotokoll)' }).waitFor();
    await page.getByTestId('no-dry-run').waitFor();
    // The scheduler's dry run, as `npm run retention -- run --dry-run` makes it.
    const run = await runRetentionCli(server.databaseUrl, [
      'run',
      '--dry-run',
      '--as-of',
      '2026-12-01',
      '--started-by',
      'browser-test',
    ]);
    expect(run.code, run.stderr).toBe(0);
    await page.reload();
    const dryRun = page.getByTestId('dry-run');
    await dryRun.waitFor();
    expect(await dryRun.textContent()).toContain('Dry run for 2026-12-01');
    expect(await dryRun.textContent()).toContain('cli:browser-test');
    const runs = page.getByTestId('purge-records-table');
    expect(await runs.getByRole('row').count()).toBe(2);
    await runs.getByRole('button', { name: 'Counts' }).click();
    await page.getByTestId('purge-record-details').waitFor();
    await page.screenshot({ path: `${SHOTS}/console-retention-runs.png` });
    await signOutOfConsole(page);
  });
});
