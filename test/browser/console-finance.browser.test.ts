import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { stockholmInstant } from '../../src/domain/calendar.js';
import { CreatePaymentAgreementDocument } from '../generated/graphql.js';
import { openBrowser, type TestBrowser } from '../support/browser.js';
import {
  apiAsSignedIn,
  expectStayedOffline,
  SHOTS,
  signInToConsole,
  signOutOfConsole,
  startConsoleServer,
} from '../support/console-browser.js';
import { globalId, SOLNA, WARD_KAROLINSKA_GERIATRIK } from '../support/demo.js';
import { insertCase } from '../support/invoicing-cases.js';
import type { TestServer } from '../support/server.js';

/**
 * The finance area in Chromium against the real server: the region's finance officer drafts
 * Solna's invoice basis for March 2026, reviews the line and the days behind it, approves
 * it, opens the printable invoice, saves the CSV and marks it sent; Solna's own finance
 * officer sees it and may not approve. No request leaves loopback, no CSP violation.
 * Screenshots (1280×800) go to docs/screenshots.
 *
 * The stay (law's default, 9 300 SEK a day): ready Mon 2 March 10:00 (day 0), so Thu 5 is
 * day 3 and the first paid day; discharged Tue 10 March: 5, 6, 7, 8, 9 March are paid.
 */

const REGION_FINANCE = 'Finance officer, Region Stockholm';
const at = (date: string, time: string) => stockholmInstant(date, time);

describe('the finance area in a browser', () => {
  let server: TestServer;
  let browser: TestBrowser;
  let invoiceUrl = '';

  beforeAll(async () => {
    server = await startConsoleServer();
    const { rows } = await server.owner.query<{ id: string }>(
      'SELECT id FROM organization WHERE hsa_id = $1',
      [SOLNA],
    );
    const solna = rows[0]!.id;
    const finance = await server.clientFor(WARD_KAROLINSKA_GERIATRIK, { roles: ['FINANCE'] });
    const agreement = await finance.request(CreatePaymentAgreementDocument, {
      input: {
        name: 'Solna – lagens grundregel',
        model: 'STATUTORY_DEFAULT',
        municipalityId: globalId('Organization', solna),
        validFrom: '2026-01-01',
        prices: [{ year: 2026, pricePerDay: '9300.00' }],
        decision: 'KS 2026/7',
      },
    });
    expect(agreement.createPaymentAgreement.__typename).toBe('CreatePaymentAgreementSuccess');
    await insertCase(server.owner, {
      homeOrganizationId: solna,
      reference: 'BR-CONSOLE-1',
      admittedAt: at('2026-03-01', '08:00'),
      events: [
        { type: 'ADMISSION_NOTICE_SENT', at: at('2026-03-01', '09:00') },
        { type: 'READY_FOR_DISCHARGE_NOTIFIED', at: at('2026-03-02', '10:00') },
        { type: 'DISCHARGED', at: at('2026-03-10', '14:00') },
      ],
    });
    browser = await openBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });
  afterEach(() => expectStayedOffline(browser));

  it('drafts Solna’s March basis and shows the line with the days behind it', async () => {
    const { page } = browser;
    await signInToConsole(page, server.url, REGION_FINANCE);
    const menu = page.getByRole('navigation', { name: 'Console areas' });
    await menu.getByRole('link', { name: 'Invoices (fakturaunderlag)' }).click();
    await page.getByRole('heading', { name: 'Invoice bases (faktureringsunderlag)' }).waitFor();
    await page.getByTestId('no-invoices').waitFor();
    const form = page.getByRole('form', { name: 'Draft an invoice basis' });
    await form.getByLabel('Month').fill('2026-03');
    await form.getByLabel('Municipality or district').selectOption({ label: 'Solna stad' });
    await form.getByRole('button', { name: 'Draft invoice basis' }).click();

    await page.getByRole('heading', { name: 'Invoice basis 2026-03, Solna stad' }).waitFor();
    invoiceUrl = page.url();
    expect(await page.getByRole('status').textContent()).toBe(
      'Drafted: 1 lines charged, 0 credited, 0 unchanged.',
    );
    expect(await page.getByTestId('invoice-status').textContent()).toBe('Draft (utkast)');
    const line = page.getByTestId('invoice-line');
    expect(await line.count()).toBe(1);
    expect(await line.textContent()).toContain('BR-CONSOLE-1');
    await line.getByRole('button', { name: 'Show 5 days' }).click();
    const days = line.getByTestId('line-days').getByRole('listitem');
    expect(await days.allTextContents()).toEqual([
      expect.stringMatching(/^2026-03-05: day 3 after ready notice 2026-03-02/),
      expect.stringMatching(/^2026-03-06: /),
      expect.stringMatching(/^2026-03-07: /),
      expect.stringMatching(/^2026-03-08: /),
      expect.stringMatching(/^2026-03-09: /),
    ]);
    await page.screenshot({ path: `${SHOTS}/console-finance-invoice.png` });
  });

  it('approves the basis, opens the printable invoice, saves the CSV and marks it sent', async () => {
    const { page } = browser;
    await page.getByRole('button', { name: 'Approve (attestera)' }).click();
    await page.getByText('Approved (attesterad): the content is frozen from now on.').waitFor();
    await page.getByTestId('invoice-status').filter({ hasText: 'Approved (attesterad)' }).waitFor();
    expect(await page.getByRole('button', { name: 'Approve (attestera)' }).count()).toBe(0);

    await page.getByRole('link', { name: 'Printable invoice' }).click();
    const printable = page.getByTestId('printable-invoice');
    await printable.getByRole('heading', { name: /Faktureringsunderlag.*2026-03/ }).waitFor();
    expect(await printable.textContent()).toContain('Solna stad');
    expect(await printable.textContent()).toContain('BR-CONSOLE-1');
    expect(await page.getByTestId('print-total').textContent()).toMatch(/46\s500,00\skr/);
    // Printed, the console's chrome is left out.
    await page.emulateMedia({ media: 'print' });
    expect(await page.getByRole('navigation', { name: 'Console areas' }).isVisible()).toBe(false);
    await page.emulateMedia({ media: 'screen' });
    await page.screenshot({ path: `${SHOTS}/console-finance-print.png` });

    await page.getByRole('link', { name: '← Back to the invoice' }).click();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Save as CSV' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe(`faktureringsunderlag-2026-03-${SOLNA}.csv`);
    const csv = readFileSync((await download.path())!, 'utf8');
    expect(csv).toContain('BR-CONSOLE-1');

    await page.getByRole('button', { name: 'Mark as sent' }).click();
    await page.getByText('Marked as sent.').waitFor();
    await page.getByTestId('invoice-status').filter({ hasText: 'Sent (skickad)' }).waitFor();
    await page.getByRole('link', { name: '← All invoices' }).click();
    await page.getByTestId('invoices-table').waitFor();
    await page.screenshot({ path: `${SHOTS}/console-finance.png` });
    await page.getByRole('link', { name: 'Statistics (statistik)' }).click();
    await page.getByRole('heading', { name: /Payment statistics/ }).waitFor();
    await page.getByLabel('From month').fill('2026-01');
    await page.getByLabel('To month').fill('2026-04');
    await page.getByRole('button', { name: 'Show' }).click();
    await page.getByRole('columnheader', { name: '2026-01' }).first().waitFor();
    await page.getByRole('heading', { name: 'Solna stad' }).waitFor();
    await page.screenshot({ path: `${SHOTS}/console-finance-statistics.png` });
    await signOutOfConsole(page);
  });

  it('shows Solna’s finance officer the invoice, and the API refuses their approval (not theirs to approve)', async () => {
    const { page } = browser;
    await signInToConsole(page, server.url, 'Finance officer, Solna', new URL(invoiceUrl).pathname);
    await page.getByRole('heading', { name: 'Invoice basis 2026-03, Solna stad' }).waitFor();
    expect(await page.getByTestId('invoice-status').textContent()).toBe('Sent (skickad)');
    const id = decodeURIComponent(invoiceUrl.split('/').pop()!);
    const answer = (await apiAsSignedIn(
      page,
      `mutation { approveInvoice(input: { invoiceId: "${id}" }) { __typename ... on InvoicingError { code } } }`,
    )) as { data?: { approveInvoice: { __typename: string; code?: string } }; errors?: unknown };
    expect(answer.data?.approveInvoice ?? answer.errors).toMatchObject({
      code: 'INVOICE_NOT_FOUND',
    });
    await signOutOfConsole(page);
  });
});
