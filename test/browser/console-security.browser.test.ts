import { readFileSync } from 'node:fs';
import { decodeGlobalID } from '@pothos/plugin-relay';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { OpenEmergencyAccessDocument, SendAdmissionNoticeDocument } from '../generated/graphql.js';
import {
  appConnection,
  type PatientCase,
  patientsOf,
  writeAccesses,
} from '../integration/audit/fixtures.js';
import { openBrowser, type TestBrowser } from '../support/browser.js';
import {
  apiAsSignedIn,
  expectStayedOffline,
  SHOTS,
  signInToConsole,
  startConsoleServer,
} from '../support/console-browser.js';
import {
  residentWithoutCase,
  SOC_SOLNA,
  unitGlobalId,
  VC_SODERMALM,
  WARD_DANDERYD_ORTOPEDI,
  WARD_KAROLINSKA_GERIATRIK,
  WARD_SODERSJUKHUSET_MEDICIN,
} from '../support/demo.js';
import type { TestServer } from '../support/server.js';

/**
 * The security officer's log review in Chromium (issue 13, item 2): find who read a given
 * patient last month, open an emergency access (nödöppning) with its reason and record the
 * review, export CSV, unusual activity with paging, a reproducible sample with its reviews,
 * and the patient's printable log extract (loggutdrag). The rows of last month are written
 * through the real access-log writer at last month's times (test/integration/audit/
 * fixtures.ts); the emergency access is opened through the API now. Offline, no CSP
 * violation; screenshots (1280×800) to docs/screenshots.
 */

const REASON = 'Medvetslös vid ankomst, anhöriga nås inte';
const OFFICER = 'Security officer, Region Stockholm';

/** Last month on the Stockholm clock: its YYYY-MM and a UTC instant on a given day, 10:00 Stockholm. */
function lastMonth() {
  const today = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Stockholm' }).format(
    new Date(),
  );
  const [year, month] = today.split('-').map(Number) as [number, number];
  const first = new Date(Date.UTC(year, month - 2, 1));
  const yyyymm = first.toISOString().slice(0, 7);
  return {
    month: yyyymm,
    day: (d: number) => `${yyyymm}-${String(d).padStart(2, '0')}`,
    // 08:00 UTC is 09:00 or 10:00 in Stockholm: office hours on any weekday.
    at: (d: number) => new Date(`${yyyymm}-${String(d).padStart(2, '0')}T08:00:00Z`),
  };
}

describe('the security officer’s log review in a browser, offline', () => {
  let server: TestServer;
  let browser: TestBrowser;
  let patient: PatientCase;
  const month = lastMonth();

  beforeAll(async () => {
    server = await startConsoleServer();

    // Last month: two users of the region read one patient; one user reads 51 patients,
    // three times, in one day (153 rows: more than one page of the console's table).
    const [first] = await patientsOf(server, WARD_KAROLINSKA_GERIATRIK, { limit: 1 });
    patient = first!;
    const { rows } = await server.owner.query<{ patientId: string }>(
      'SELECT id AS "patientId" FROM patient WHERE id <> $1 ORDER BY id LIMIT 51',
      [patient.patientId],
    );
    const many = rows.map((row) => ({ patientId: row.patientId, caseId: null }));
    const app = appConnection(server);
    await writeAccesses(app, {
      unitHsaId: WARD_KAROLINSKA_GERIATRIK,
      name: 'Anna Berg',
      at: month.at(12),
      patients: [patient],
    });
    await writeAccesses(app, {
      unitHsaId: WARD_DANDERYD_ORTOPEDI,
      name: 'Olle Ortoped',
      at: month.at(20),
      patients: [patient],
    });
    // This month: not last month's.
    await writeAccesses(app, {
      unitHsaId: WARD_DANDERYD_ORTOPEDI,
      name: 'Tove Idag',
      at: new Date(),
      patients: [patient],
    });
    for (const hour of [7, 8, 9]) {
      await writeAccesses(app, {
        unitHsaId: VC_SODERMALM,
        name: 'Vera Volym',
        at: new Date(`${month.day(14)}T0${hour}:00:00Z`),
        patients: many,
      });
    }
    await app.end();

    // Now: an emergency opening with its reason, through the API.
    const ward = await server.clientFor(WARD_KAROLINSKA_GERIATRIK);
    const outsider = await server.clientFor(WARD_SODERSJUKHUSET_MEDICIN, { name: 'Nils Nöd' });
    const pnr = residentWithoutCase(12).personalIdentityNumber;
    const opened = await ward.request(SendAdmissionNoticeDocument, {
      input: {
        personalIdentityNumber: pnr,
        admittedAt: new Date(Date.now() - 3_600_000).toISOString(),
        municipalityParties: [
          {
            unitId: await unitGlobalId(server.owner, SOC_SOLNA),
            role: 'MUNICIPAL_SOCIAL_SERVICES',
          },
        ],
      },
    });
    expect(opened.sendAdmissionNotice.__typename).toBe('SendAdmissionNoticeSuccess');
    const granted = await outsider.request(OpenEmergencyAccessDocument, {
      input: { personalIdentityNumber: pnr, reason: REASON },
    });
    expect(granted.openEmergencyAccess.__typename).toBe('OpenEmergencyAccessSuccess');

    browser = await openBrowser();
    await signInToConsole(browser.page, server.url, OFFICER, '/console/security');
    await browser.page.getByRole('heading', { name: 'Access log (logguppföljning)' }).waitFor();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });
  afterEach(() => expectStayedOffline(browser));

  const search = (page: Page) => page.getByRole('form', { name: 'Search the access log' });
  const progress = (page: Page) => page.getByTestId('load-progress');
  const sampleRows = async (page: Page) =>
    (await page.getByTestId('sample-table').locator('tbody tr').allTextContents()).filter(
      (text) => text !== '',
    );
  /** The sample's rows as drawn: the virtual table draws them after the count shows. */
  const drawnSampleRows = async (page: Page) => {
    await expect.poll(async () => (await sampleRows(page)).length).toBeGreaterThan(0);
    return page.getByTestId('sample-table').locator('tbody tr').allTextContents();
  };
  const tableUsers = async (page: Page) =>
    (
      await page
        .getByTestId('access-log-table')
        .locator('tbody tr td:nth-child(2)')
        .allTextContents()
    ).filter((text) => text !== '');

  it('finds who read a given patient last month', async () => {
    const { page } = browser;
    const form = search(page);
    await form.getByLabel('Patient (personnummer)').fill(patient.personalIdentityNumber);
    await form.getByRole('button', { name: 'Last month' }).click();
    expect(await form.getByLabel('From').inputValue()).toBe(month.day(1));
    await form.getByRole('button', { name: 'Search' }).click();
    await expect.poll(() => progress(page).textContent()).toBe('2 of 2 access-log rows loaded');
    // The virtual table draws its rows once it has measured itself, after the count shows:
    // wait for them rather than read them at once.
    await expect
      .poll(async () => (await tableUsers(page)).sort())
      .toEqual(['Anna Berg', 'Olle Ortoped']);
    await page.getByRole('button', { name: /^Details of Anna Berg’s access/ }).click();
    const details = page.getByTestId('entry-details');
    expect(await details.textContent()).toContain(patient.personalIdentityNumber);
    expect(await details.textContent()).toContain(WARD_KAROLINSKA_GERIATRIK);
    await page.screenshot({ path: `${SHOTS}/console-access-log.png` });
  });

  it('opens an emergency access with its reason and records the review', async () => {
    const { page } = browser;
    const form = search(page);
    await form.getByRole('button', { name: 'Clear' }).click();
    await form.getByLabel('Emergency access (nödöppning)').check();
    await form.getByRole('button', { name: 'Search' }).click();
    await expect
      .poll(() => progress(page).textContent())
      .toMatch(/^\d+ of \d+ access-log rows loaded$/);
    // Only emergency accesses, one user's: the rows, once drawn (see above), are all his.
    await expect.poll(async () => [...new Set(await tableUsers(page))]).toEqual(['Nils Nöd']);
    await page
      .getByRole('button', { name: /^Details of Nils Nöd’s access/ })
      .first()
      .click();
    expect(await page.getByTestId('emergency-reason').textContent()).toBe(REASON);
    const details = page.getByTestId('entry-details');
    // The panel takes focus when it opens (keyboard users land in it).
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('entry-title');
    await page.screenshot({ path: `${SHOTS}/console-emergency-access.png` });
    await details.getByLabel(/^Follow up with the user/).check();
    await details.getByLabel(/^Note/).fill('Asked the ward manager to confirm the emergency.');
    await details.getByRole('button', { name: 'Record review' }).click();
    await page.getByTestId('review-recorded').waitFor();
    expect(await page.getByTestId('review-recorded').textContent()).toContain(
      'FOLLOW_UP by Karin Sjö',
    );
    await page.screenshot({ path: `${SHOTS}/console-emergency-review.png` });
    await page.keyboard.press('Escape');
    expect(await details.count()).toBe(0);

    const answer = (await apiAsSignedIn(
      page,
      '{ accessReviews(first: 10) { edges { node { conclusion note accessLogIds accessLogGlobalIds reviewerName } } } }',
    )) as {
      data: {
        accessReviews: {
          edges: {
            node: {
              conclusion: string;
              note: string;
              accessLogIds: string[];
              accessLogGlobalIds: string[];
              reviewerName: string;
            };
          }[];
        };
      };
    };
    const reviews = answer.data.accessReviews.edges.map((edge) => edge.node);
    const review = reviews.find((r) => r.conclusion === 'FOLLOW_UP');
    expect(review).toEqual({
      conclusion: 'FOLLOW_UP',
      note: 'Asked the ward manager to confirm the emergency.',
      accessLogIds: [expect.any(String)],
      accessLogGlobalIds: [expect.any(String)],
      reviewerName: 'Karin Sjö',
    });
    // The console named the row by its global id (AccessLogEntry.id), the same row.
    const named = decodeGlobalID(review!.accessLogGlobalIds[0]!);
    expect(named).toEqual({ typename: 'AccessLogEntry', id: review!.accessLogIds[0] });
  });

  it('exports the search as CSV, with the emergency reason', async () => {
    const { page } = browser;
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export CSV' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^access-log-\d{4}-\d{2}-\d{2}\.csv$/);
    const csv = readFileSync((await download.path())!, 'utf8');
    const [header, ...lines] = csv.trim().split(/\r?\n/);
    expect(header).toContain('emergencyReason');
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.every((line) => line.includes(REASON))).toBe(true);
  });

  it('shows unusual activity per user and day, and pages through that user’s rows', async () => {
    const { page } = browser;
    await page.getByRole('link', { name: 'Unusual activity (avvikelser)' }).click();
    await page.getByLabel('Day (Stockholm)').fill(month.day(14));
    await page.getByRole('button', { name: 'Show' }).click();
    const table = page.getByTestId('unusual-activity');
    await table.waitFor();
    expect(await table.textContent()).toContain('Vera Volym');
    expect(await table.locator('tbody tr td:nth-child(3)').first().textContent()).toBe('51');
    await page.screenshot({ path: `${SHOTS}/console-unusual-activity.png` });
    await table.getByRole('link', { name: /^Show Vera Volym’s rows/ }).click();
    // 153 rows: the first page of 100, then the next when the table's end scrolls into view.
    await expect
      .poll(() => progress(page).textContent())
      .toMatch(/^100 of 153 access-log rows loaded/);
    const scroller = page.getByTestId('access-log-table');
    await scroller.evaluate((element) => element.scrollTo(0, element.scrollHeight));
    await expect.poll(() => progress(page).textContent()).toBe('153 of 153 access-log rows loaded');
  });

  it('draws a reproducible sample and records the review of a row and of the sample', async () => {
    const { page } = browser;
    await page.getByRole('link', { name: 'Samples (stickprov)' }).click();
    const form = page.getByRole('form', { name: 'Draw a sample' });
    expect(await form.getByLabel('Month').inputValue()).toBe(month.month);
    await form.getByLabel('Share of the rows (%)').fill('10');
    await form.getByLabel(/^Seed/).fill('console-browser-test');
    await form.getByRole('button', { name: 'Draw sample' }).click();
    await page.getByRole('heading', { name: `Sample of ${month.month} (stickprov)` }).waitFor();
    expect(await page.getByTestId('sample-seed').textContent()).toBe('console-browser-test');
    const facts = (await page.getByTestId('sample-facts').textContent())!;
    const [, size, population] = /(\d+) of (\d+) in the month/.exec(facts)!;
    expect(Number(population)).toBe(155);
    expect(Number(size)).toBeGreaterThan(0);
    await expect
      .poll(() => progress(page).textContent())
      .toBe(`${size} of ${size} rows of the sample loaded`);
    const firstRows = await drawnSampleRows(page);

    await page.getByTestId('sample-table').getByRole('button', { name: 'Review' }).first().click();
    await page.getByTestId('entry-details').getByRole('button', { name: 'Record review' }).click();
    await page.getByTestId('review-recorded').waitFor();
    await page.getByTestId('entry-details').getByRole('button', { name: 'Close' }).click();
    // The review names the row by its global id, as the table knows it: that row is reviewed.
    const reviewed = async () =>
      (await sampleRows(page)).map((row) => /(yes|no)Review$/.exec(row)?.[1]);
    await expect.poll(async () => (await reviewed())[0]).toBe('yes');
    expect((await reviewed()).filter((mark) => mark === 'yes')).toHaveLength(1);
    const whole = page.getByRole('form', { name: 'Review the whole sample' });
    await whole.getByLabel(/^Note/).fill('Monthly 10 % review done.');
    await whole.getByRole('button', { name: 'Record review' }).click();
    await expect.poll(() => page.getByTestId('sample-reviews').locator('li').count()).toBe(2);
    await page.screenshot({ path: `${SHOTS}/console-sample.png` });

    // The sample's URL holds its global id; an older URL with the raw UUID still opens it.
    const url = new URL(page.url());
    const sampleId = decodeURIComponent(url.pathname.split('/').at(-1)!);
    const { typename, id: uuid } = decodeGlobalID(sampleId);
    expect(typename).toBe('AccessReviewSample');
    await page.goto(`${url.origin}/console/security/samples/${uuid}`);
    await page.getByRole('heading', { name: `Sample of ${month.month} (stickprov)` }).waitFor();
    expect(await page.getByTestId('sample-seed').textContent()).toBe('console-browser-test');
    await expect
      .poll(() => progress(page).textContent())
      .toBe(`${size} of ${size} rows of the sample loaded`);
    expect(await page.getByTestId('sample-reviews').locator('li').count()).toBe(2);
    expect((await reviewed())[0]).toBe('yes');

    // The same seed draws the same rows again.
    await page.getByRole('link', { name: 'Samples (stickprov)' }).click();
    await form.getByLabel('Share of the rows (%)').fill('10');
    await form.getByLabel(/^Seed/).fill('console-browser-test');
    await form.getByRole('button', { name: 'Draw sample' }).click();
    await page.getByTestId('sample-facts').waitFor();
    await expect
      .poll(() => progress(page).textContent())
      .toBe(`${size} of ${size} rows of the sample loaded`);
    const again = await drawnSampleRows(page);
    const strip = (rows: string[]) => rows.map((row) => row.replace(/(yes|no)Review$/, ''));
    expect(strip(again)).toEqual(strip(firstRows));
  });

  it('makes the patient’s log extract (loggutdrag) as a printable page', async () => {
    const { page } = browser;
    await page.getByRole('link', { name: 'Log extract (loggutdrag)' }).click();
    const form = page.getByRole('form', { name: 'Make a log extract' });
    await form.getByLabel('Patient (personnummer)').fill(patient.personalIdentityNumber);
    await form.getByLabel('From').fill(month.day(1));
    await form.getByRole('button', { name: 'Make extract' }).click();
    const extract = page.getByTestId('extract');
    await extract.waitFor();
    const text = (await extract.textContent())!;
    expect(text).toContain(`Log extract for ${patient.personalIdentityNumber}`);
    expect(await extract.locator('tbody tr').count()).toBeGreaterThanOrEqual(3);
    expect(text).toContain(WARD_KAROLINSKA_GERIATRIK);
    await page.screenshot({ path: `${SHOTS}/console-extract.png` });
    // Printed: no menus, no form, no buttons; the extract alone.
    await page.emulateMedia({ media: 'print' });
    expect(await page.getByRole('navigation', { name: 'Console areas' }).isVisible()).toBe(false);
    expect(await form.isVisible()).toBe(false);
    expect(await page.getByRole('button', { name: 'Print or save as PDF' }).isVisible()).toBe(
      false,
    );
    expect(await extract.isVisible()).toBe(true);
    await page.screenshot({ path: `${SHOTS}/console-extract-print.png` });
    await page.emulateMedia({ media: 'screen' });
  });

  it('refuses a personnummer that is not one, with the API’s code', async () => {
    const { page } = browser;
    const form = page.getByRole('form', { name: 'Make a log extract' });
    await form.getByLabel('Patient (personnummer)').fill('19121212-1213');
    await form.getByRole('button', { name: 'Make extract' }).click();
    await page.getByTestId('error-code').waitFor();
    expect(await page.getByTestId('error-code').textContent()).toMatch(/^[A-Z_]+$/);
  });
});
