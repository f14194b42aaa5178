import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SendAdmissionNoticeDocument } from '../generated/graphql.js';
import { openBrowser, type TestBrowser } from '../support/browser.js';
import {
  apiAsSignedIn,
  expectStayedOffline,
  SHOTS,
  signInToConsole,
  signOutOfConsole,
  startConsoleServer,
} from '../support/console-browser.js';
import {
  residentWithoutCase,
  SOC_SOLNA,
  UNITS,
  unitGlobalId,
  WARD_KAROLINSKA_GERIATRIK,
} from '../support/demo.js';
import type { TestServer } from '../support/server.js';

/**
 * The console's start page counts the acting unit's inbox (issue 18) for the personas whose
 * work has one, signed in through the demo IdP in Chromium: the number shown is the API's
 * `inbox.totalCount` for that person, and follows a new message to the unit. Personas without
 * an inbox see no count. No request leaves loopback.
 */

async function apiInboxCount(page: Parameters<typeof apiAsSignedIn>[0]): Promise<number> {
  const answer = (await apiAsSignedIn(page, '{ inbox { totalCount } }')) as {
    data?: { inbox: { totalCount: number } };
  };
  return answer.data!.inbox.totalCount;
}

describe('the console start page shows the inbox count', () => {
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

  it('shows a ward nurse the count of her ward’s inbox, as the API counts it', async () => {
    const { page } = browser;
    await signInToConsole(page, server.url, 'Ward nurse');
    const shown = Number(await page.getByTestId('inbox-count').textContent());
    const counted = await apiInboxCount(page);
    expect(shown).toBe(counted);
    expect(counted).toBeGreaterThan(0);
    expect(await page.getByRole('heading', { name: /Your unit’s inbox/ }).textContent()).toBe(
      'Your unit’s inbox (inkorg)',
    );
    await signOutOfConsole(page);
  });

  it('shows a social worker her unit’s count, and one more after a ward sends the unit a message', async () => {
    const { page } = browser;
    await signInToConsole(page, server.url, 'Social worker, Solna');
    const before = Number(await page.getByTestId('inbox-count').textContent());
    expect(before).toBe(await apiInboxCount(page));

    const ward = await server.clientFor(WARD_KAROLINSKA_GERIATRIK);
    const sent = await ward.request(SendAdmissionNoticeDocument, {
      input: {
        personalIdentityNumber: residentWithoutCase(3).personalIdentityNumber,
        admittedAt: new Date(Date.now() - 3_600_000).toISOString(),
        municipalityParties: [
          {
            unitId: await unitGlobalId(server.owner, SOC_SOLNA),
            role: 'MUNICIPAL_SOCIAL_SERVICES',
          },
        ],
      },
    });
    expect(sent.sendAdmissionNotice.__typename).toBe('SendAdmissionNoticeSuccess');

    await page.reload();
    await page.getByTestId('inbox-count').waitFor();
    const after = Number(await page.getByTestId('inbox-count').textContent());
    expect(after).toBe(before + 1);
    expect(after).toBe(await apiInboxCount(page));
    expect(await page.getByTestId('inbox-count').locator('..').textContent()).toContain(
      `for ${UNITS.find((u) => u.hsaId === SOC_SOLNA)!.name}:`,
    );
    await page.screenshot({ path: `${SHOTS}/console-inbox-count.png` });
    await signOutOfConsole(page);
  });

  it('shows no inbox to a security officer, whose work has none', async () => {
    const { page } = browser;
    await signInToConsole(page, server.url, 'Security officer, Region Stockholm');
    await page.getByRole('heading', { name: /^Welcome/ }).waitFor();
    expect(await page.getByTestId('inbox-count').count()).toBe(0);
    expect(await page.getByRole('heading', { name: /inbox/ }).count()).toBe(0);
    await signOutOfConsole(page);
  });
});
