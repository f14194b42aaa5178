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
 * The information owner's control over retention in Chromium against the real server:
 * recording a retention decision (gallringsbeslut: reference, date, who decided), refused
 * first without a reference; deciding a policy under it, refused first below the law's
 * minimum; choosing purge after approval; and approving one proposal (a dry run) and
 * rejecting the next. Each step is checked through the API too. No request leaves
 * loopback, no CSP violation. Screenshots (1280×800) go to docs/screenshots.
 */

const OWNER = 'Information owner, Region Stockholm';
const REFERENCE = 'RS 2026-0412, § 14';

describe('the information owner’s retention decisions in a browser', () => {
  let server: TestServer;
  let browser: TestBrowser;

  const dryRun = async (asOf: string) => {
    const run = await runRetentionCli(server.databaseUrl, [
      'run',
      '--dry-run',
      '--as-of',
      asOf,
      '--started-by',
      'browser-test',
    ]);
    expect(run.code, run.stderr).toBe(0);
  };

  beforeAll(async () => {
    server = await startConsoleServer();
    browser = await openBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });
  afterEach(() => expectStayedOffline(browser));

  it('records a decision, refused first without a reference', async () => {
    const { page } = browser;
    await signInToConsole(page, server.url, OWNER, '/console/retention');
    await page.getByRole('link', { name: 'Decisions (gallringsbeslut)' }).click();
    await page.getByRole('heading', { name: 'Retention decisions (gallringsbeslut)' }).waitFor();
    const form = page.getByRole('form', { name: 'Record a retention decision' });
    await form.getByLabel('Records').selectOption('ACCESS_LOG');
    await form.getByLabel('Decided on').fill('2026-11-20');
    await form.getByLabel('Decided by').fill('Regionstyrelsen');
    await form.getByRole('button', { name: 'Record decision' }).click();
    expect(await form.getByTestId('refusal-code').textContent()).toBe('REFERENCE_REQUIRED');

    await form.getByLabel('Reference (diarienummer)').fill(REFERENCE);
    await form.getByRole('button', { name: 'Record decision' }).click();
    await form.getByRole('status').getByText(`Decision ${REFERENCE} recorded.`).waitFor();
    const row = page.getByTestId('decision-row').filter({ hasText: REFERENCE });
    await row.waitFor();
    expect(await row.textContent()).toContain('Access log');
    expect(await row.textContent()).toContain('2026-11-20');
    expect(await row.textContent()).toContain('Regionstyrelsen');
    expect(await row.textContent()).toContain('Ingrid Wall');
    const recorded = (
      await apiAsSignedIn(
        page,
        '{ retentionDecisions { recordClass reference decidedOn decidedBy recordedByName } }',
      )
    ).data as { retentionDecisions: Record<string, string>[] };
    expect(recorded.retentionDecisions).toContainEqual({
      recordClass: 'ACCESS_LOG',
      reference: REFERENCE,
      decidedOn: '2026-11-20',
      decidedBy: 'Regionstyrelsen',
      recordedByName: 'Ingrid Wall',
    });
  });

  it('decides the policy under that decision, refused first below the law’s minimum', async () => {
    const { page } = browser;
    const form = page.getByRole('form', { name: 'Decide a retention policy' });
    await form.getByLabel('Records').selectOption('ACCESS_LOG');
    expect(await form.getByLabel('Under decision').inputValue()).not.toBe('');
    await form.getByLabel('Kept for (months)').fill('36');
    await form
      .getByLabel('What the decision says')
      .fill(`Loggar gallras efter sex år (${REFERENCE}).`);
    await form.getByRole('button', { name: 'Decide policy' }).click();
    // The access log is kept five years by law (HSLF-FS 2016:40): three is refused.
    expect(await form.getByTestId('refusal-code').textContent()).toBe(
      'RETENTION_BELOW_LEGAL_MINIMUM',
    );

    await form.getByLabel('Kept for (months)').fill('72');
    await form.getByRole('button', { name: 'Decide policy' }).click();
    await form
      .getByRole('status')
      .getByText(`Access log (loggar): kept 6 years, under ${REFERENCE}.`)
      .waitFor();
    await page.screenshot({ path: `${SHOTS}/console-retention-decisions.png` });

    await page.getByRole('link', { name: 'Policies (gallringsregler)' }).click();
    const accessLog = page.getByTestId('policies-table').getByRole('row', { name: /^Access log/ });
    await accessLog.getByText(`${REFERENCE} (2026-11-20)`).waitFor();
    expect(await accessLog.locator('td').nth(0).textContent()).toBe('6 years');
    const linked = (
      await apiAsSignedIn(
        page,
        '{ effectiveRetention { recordClass policy { retainMonths retentionDecision { reference } } } }',
      )
    ).data as {
      effectiveRetention: {
        recordClass: string;
        policy: { retainMonths: number; retentionDecision: { reference: string } | null } | null;
      }[];
    };
    expect(linked.effectiveRetention.find((e) => e.recordClass === 'ACCESS_LOG')?.policy).toEqual({
      retainMonths: 72,
      retentionDecision: { reference: REFERENCE },
    });
  });

  it('switches to purge after approval', async () => {
    const { page } = browser;
    const mode = page.getByRole('form', { name: 'Choose the purge mode' });
    await mode.getByRole('radio', { name: /After approval/ }).check();
    await mode.getByRole('button', { name: 'Save purge mode' }).click();
    await page
      .getByTestId('retention-mode')
      .getByText(/^After approval/)
      .waitFor();
    await page.screenshot({ path: `${SHOTS}/console-retention-mode.png` });
    const control = (
      await apiAsSignedIn(
        page,
        '{ retentionControl { ... on RetentionControlSuccess { data { mode } } } }',
      )
    ).data as { retentionControl: { data: { mode: string } } };
    expect(control.retentionControl.data.mode).toBe('APPROVAL');
  });

  it('approves one proposal and rejects the next', async () => {
    const { page } = browser;
    await dryRun('2026-12-01');
    await page.getByRole('link', { name: 'Purge records (gallringsprotokoll)' }).click();
    const proposal = page.getByRole('form', { name: 'Approve or reject the proposal' });
    await proposal.getByLabel('Comment (optional)').fill('Granskat mot beslutet.');
    await proposal.getByRole('button', { name: 'Approve the proposal' }).click();
    const verdict = page.getByTestId('verdict');
    await verdict.getByText(/^Approved by Ingrid Wall .*: Granskat mot beslutet\.$/).waitFor();
    await page.screenshot({ path: `${SHOTS}/console-retention-approved.png` });

    // The next dry run is a new proposal, decided on its own.
    await dryRun('2026-12-02');
    await page.reload();
    await page.getByTestId('dry-run').getByText('Dry run for 2026-12-02').waitFor();
    await proposal.getByRole('button', { name: 'Reject' }).click();
    await verdict.getByText(/^Rejected by Ingrid Wall/).waitFor();
    const verdicts = (
      await apiAsSignedIn(
        page,
        '{ retentionProposalDecisions { verdict comment proposal { asOf } } }',
      )
    ).data as {
      retentionProposalDecisions: {
        verdict: string;
        comment: string | null;
        proposal: { asOf: string };
      }[];
    };
    expect(verdicts.retentionProposalDecisions).toEqual([
      { verdict: 'REJECTED', comment: null, proposal: { asOf: '2026-12-02' } },
      { verdict: 'APPROVED', comment: 'Granskat mot beslutet.', proposal: { asOf: '2026-12-01' } },
    ]);
    await signOutOfConsole(page);
  });
});
