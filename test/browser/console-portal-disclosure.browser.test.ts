import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { OID } from '../../src/patient-portal/contract.js';
import { PublishCarePlanToPatientDocument } from '../generated/graphql.js';
import { openBrowser, type TestBrowser } from '../support/browser.js';
import {
  apiAsSignedIn,
  expectStayedOffline,
  SHOTS,
  signInToConsole,
  startConsoleServer,
} from '../support/console-browser.js';
import { residentWithoutCase } from '../support/demo.js';
import {
  openCaseWithAgreedPlan,
  PORTAL,
  producerEnv,
} from '../support/patient-portal/agreed-plan.js';
import { makeTestPki, type TestPki } from '../support/patient-portal/certificates.js';
import { getCarePlansRequest, post, readAnswer } from '../support/patient-portal/consumer.js';
import type { TestServer } from '../support/server.js';

/**
 * Issue 21, "visible in the console": a care plan published to the patient and delivered
 * to 1177 (GetCarePlans over mutual TLS, as the national platform calls it) is a disclosure
 * (utlämnande) the region's security officer finds in the log review: flagged, searchable
 * by that flag, explained in the row's details; the publishing itself stays an ordinary
 * row of the staff member who published. Only what the officer reads through the API.
 * Offline, no CSP violation; screenshot (1280×800) to docs/screenshots.
 */

const OFFICER = 'Security officer, Region Stockholm';

describe('a care plan delivered to 1177, in the security officer’s log review', () => {
  let pki: TestPki;
  let server: TestServer;
  let browser: TestBrowser;
  const patient = residentWithoutCase(6);

  beforeAll(async () => {
    pki = await makeTestPki();
    server = await startConsoleServer(producerEnv(pki));
    const { primaryCare, caseId, planId } = await openCaseWithAgreedPlan(
      server,
      patient.personalIdentityNumber,
    );
    const published = await primaryCare.request(PublishCarePlanToPatientDocument, {
      input: { caseId, carePlanId: planId, version: 1 },
    });
    expect(published.publishCarePlanToPatient.__typename).toBe('PublishCarePlanToPatientSuccess');
    // 1177 fetches the patient's published plans through the platform.
    const answer = await post(
      server.carePlansProducer!.url,
      getCarePlansRequest({
        logicalAddress: PORTAL.logicalAddress,
        patientId: { id: patient.personalIdentityNumber, type: OID.personnummer },
      }),
      { client: pki.platform, ca: pki.ca.cert },
    );
    expect(readAnswer(answer.body).carePlans).toHaveLength(1);

    browser = await openBrowser();
    await signInToConsole(browser.page, server.url, OFFICER, '/console/security');
    await browser.page.getByRole('heading', { name: 'Access log (logguppföljning)' }).waitFor();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await pki?.remove();
  });
  afterEach(() => expectStayedOffline(browser));

  it('finds the delivery to 1177 by its flag and explains it', async () => {
    const { page } = browser;
    const form = page.getByRole('form', { name: 'Search the access log' });
    await form.getByLabel('Patient (personnummer)').fill(patient.personalIdentityNumber);
    await form.getByLabel('Disclosed to 1177 (utlämnande till invånaren)').check();
    await form.getByRole('button', { name: 'Search' }).click();
    const table = page.getByTestId('access-log-table');
    await table.getByText('Disclosed to 1177').waitFor();
    const rows = await table.locator('tbody tr td:nth-child(2)').allTextContents();
    expect(rows.filter((text) => text !== '')).toEqual([
      'Nationella tjänsteplattformen (GetCarePlans)',
    ]);
    await page.getByRole('button', { name: /^Details of Nationella tjänsteplattformen/ }).click();
    const details = page.getByTestId('entry-details');
    await details.getByTestId('portal-disclosure').waitFor();
    expect(await details.textContent()).toContain('Invånarens egen åtkomst (1177)');
    expect(await details.textContent()).toContain('GetCarePlans');
    await page.screenshot({ path: `${SHOTS}/console-security-portal-disclosure.png` });
  });

  it('leaves the publishing itself, and a request merely named GetCarePlans, ordinary rows', async () => {
    const { page } = browser;
    // The officer's own search is logged as a read of the patient, under the name the
    // client chose: naming it like the portal's operation does not make it a disclosure.
    const named = await apiAsSignedIn(
      page,
      `query GetCarePlans { accessLog(filter: { personalIdentityNumber: "${patient.personalIdentityNumber}" }, first: 5) { totalCount } }`,
    );
    expect(named.errors).toBeUndefined();
    const all = (
      await apiAsSignedIn(
        page,
        `{ accessLog(filter: { personalIdentityNumber: "${patient.personalIdentityNumber}" }, first: 100) {
            edges { node { operationName activity flags } } } }`,
      )
    ).data as {
      accessLog: {
        edges: { node: { operationName: string; activity: string; flags: string[] } }[];
      };
    };
    const nodes = all.accessLog.edges.map((edge) => edge.node);
    const disclosed = nodes.filter((node) => node.flags.includes('PATIENT_PORTAL_DISCLOSURE'));
    expect(disclosed).toEqual([
      {
        operationName: 'GetCarePlans',
        activity: 'READ',
        flags: expect.arrayContaining(['NOT_A_PARTY', 'PATIENT_PORTAL_DISCLOSURE']),
      },
    ]);
    expect(nodes.filter((node) => node.operationName === 'GetCarePlans').length).toBeGreaterThan(1);
    const publishing = nodes.filter((node) => node.operationName === 'PublishCarePlanToPatient');
    expect(publishing.map((node) => node.activity)).toContain('CHANGE');
    for (const node of publishing) expect(node.flags).not.toContain('PATIENT_PORTAL_DISCLOSURE');
  });
});
