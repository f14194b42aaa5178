import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openBrowser, type TestBrowser } from '../support/browser.js';
import {
  apiAsSignedIn,
  DEMO_BUTTON,
  expectStayedOffline,
  SHOTS,
  signInToConsole,
  signOutOfConsole,
  startConsoleServer,
} from '../support/console-browser.js';
import { SOC_SODERMALM, SOC_SOLNA } from '../support/demo.js';
import type { TestServer } from '../support/server.js';

/**
 * The console's shell in Chromium against the real server and the demo IdP: sign-in per
 * persona through the normal SAML login, the person, roles and acting commission, a menu
 * only of what the roles show, the "no access" page, FORBIDDEN for a forced URL (and the
 * API's own refusal), sign-out. No request leaves loopback, no CSP violation, and the
 * token is never in storage. Screenshots (1280×800) go to docs/screenshots.
 */

const JWT = /eyJ[\w-]+\.[\w-]+\.[\w-]+/;

describe('the console shell in a browser, offline', () => {
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

  it('asks a signed-out visitor to sign in, returning to the page asked for', async () => {
    const { page } = browser;
    const response = await page.goto(`${server.url}/console/security`);
    expect(response?.headers()['content-security-policy']).toContain("default-src 'none'");
    await page.getByTestId('signed-out').waitFor();
    expect(await page.getByRole('link', { name: DEMO_BUTTON }).getAttribute('href')).toBe(
      '/auth/saml/demo/login?returnTo=%2Fconsole%2Fsecurity',
    );
    expect(await page.getByRole('navigation').count()).toBe(0);
    await page.screenshot({ path: `${SHOTS}/console-sign-in.png` });
  });

  it('signs a security officer in: name, roles, acting commission, and the log-review menu', async () => {
    const { page } = browser;
    await signInToConsole(page, server.url, 'Security officer, Region Stockholm');
    await page.getByTestId('signed-in-name').waitFor();
    expect(await page.getByTestId('signed-in-name').textContent()).toBe('Karin Sjö');
    expect(await page.getByTestId('signed-in-roles').textContent()).toBe(
      'Security officer (informationssäkerhet)',
    );
    expect(await page.getByTestId('signed-in-commission').textContent()).toMatch(
      /\(SE\d{10}-\w+\)$/,
    );
    const menu = page.getByRole('navigation', { name: 'Console areas' });
    expect(await menu.getByRole('link').allTextContents()).toEqual([
      'Overview',
      'Log review (logguppföljning)',
    ]);
    await page.getByRole('heading', { name: 'Welcome, Karin Sjö' }).waitFor();
    // The token lives in memory only.
    const stored = await page.evaluate(() =>
      JSON.stringify([{ ...localStorage }, { ...sessionStorage }, document.cookie]),
    );
    expect(stored).not.toMatch(JWT);
    await page.screenshot({ path: `${SHOTS}/console-overview.png` });

    // Keyboard: the skip link first, then into the menu, and Enter opens the log review.
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content');
    await menu.getByRole('link', { name: 'Log review (logguppföljning)' }).focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(`${server.url}/console/security`);
    await page.getByRole('heading', { name: 'Access log (logguppföljning)' }).waitFor();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('main');
    await signOutOfConsole(page);
    expect(
      await page.evaluate(async () => {
        const response = await fetch('/auth/refresh', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{}',
        });
        return response.status;
      }),
    ).toBe(401);
  });

  it('shows a ward nurse no menu but the no-access page, with the roles and the mapping', async () => {
    const { page } = browser;
    await signInToConsole(page, server.url, 'Ward nurse');
    await page.getByRole('heading', { name: /No access to the console/ }).waitFor();
    expect(await page.getByRole('navigation', { name: 'Console areas' }).count()).toBe(0);
    const explanation = await page.getByTestId('no-access-roles').textContent();
    expect(explanation).toContain('Ward staff (slutenvård)');
    const table = await page.getByRole('table').textContent();
    expect(table).toContain('Log review (logguppföljning)');
    expect(table).toContain('Security officer (informationssäkerhet)');
    await page.screenshot({ path: `${SHOTS}/console-no-access.png` });
  });

  it('answers FORBIDDEN when the nurse forces the log-review URL, and so does the API', async () => {
    const { page } = browser;
    await page.goto(`${server.url}/console/security`);
    await page.getByRole('heading', { name: /Forbidden/ }).waitFor();
    expect(await page.getByTestId('error-code').textContent()).toBe('FORBIDDEN');
    expect(await page.getByRole('navigation', { name: 'Console areas' }).count()).toBe(0);
    await page.screenshot({ path: `${SHOTS}/console-forbidden.png` });
    const answer = await apiAsSignedIn(page, '{ accessLog(first: 1) { totalCount } }');
    expect(answer.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(answer.data ?? null).toBeNull();
    await signOutOfConsole(page);
  });

  it('shows a person the rules give no role what the mapping missed', async () => {
    const { page } = browser;
    await page.goto(`${server.url}/console`);
    await page.getByRole('link', { name: DEMO_BUTTON }).click();
    await page.getByRole('button', { name: 'Medical secretary (no access)' }).click();
    // The gateway refuses the login itself (no session, so the console is never reached).
    await page.getByRole('heading', { name: 'You could not be logged in' }).waitFor();
    expect(
      await page
        .getByRole('heading', { name: 'What your identity administrator needs to know' })
        .count(),
    ).toBe(1);
    expect((await page.locator('main li').allTextContents()).length).toBeGreaterThan(0);
  });

  it('lets a person with two commissions choose the one they act in, and switch', async () => {
    const { page } = browser;
    await signInToConsole(page, server.url, 'Security officer, Södermalm and Solna');
    await page.getByTestId('choose-commission').waitFor();
    expect(await page.getByTestId('signed-in-commission').textContent()).toBe('none chosen');
    const select = page.getByLabel('Switch commission');
    const choose = async (unitHsaId: string) => {
      const label = (await select.locator('option').allTextContents()).find((text) =>
        text.includes(`(${unitHsaId})`),
      )!;
      await select.selectOption({ label });
      await page.getByRole('button', { name: 'Switch', exact: true }).click();
      await expect
        .poll(() => page.getByTestId('signed-in-commission').textContent())
        .toContain(`(${unitHsaId})`);
    };
    await choose(SOC_SOLNA);
    expect(await page.getByTestId('choose-commission').count()).toBe(0);
    await page.screenshot({ path: `${SHOTS}/console-commission.png` });
    // The server's session acts in it now: a fresh token says so.
    const viewer = (await apiAsSignedIn(page, '{ viewer { actingCommission { unitHsaId } } }')) as {
      data: { viewer: { actingCommission: { unitHsaId: string } } };
    };
    expect(viewer.data.viewer.actingCommission.unitHsaId).toBe(SOC_SOLNA);
    // The log review works in it, and after a switch to the other municipality as well.
    await page
      .getByRole('navigation', { name: 'Console areas' })
      .getByRole('link', { name: /^Log review/ })
      .click();
    await page.getByRole('button', { name: 'Search' }).click();
    await page
      .getByTestId('load-progress')
      .getByText(/access-log rows loaded/)
      .waitFor();
    await choose(SOC_SODERMALM);
    await page.getByRole('heading', { name: 'Access log (logguppföljning)' }).waitFor();
    await page.getByRole('button', { name: 'Search' }).click();
    await page
      .getByTestId('load-progress')
      .getByText(/access-log rows loaded/)
      .waitFor();
    expect(await page.getByRole('alert').count()).toBe(0);
    await signOutOfConsole(page);
  });

  it('has no area for a URL that names none', async () => {
    const { page } = browser;
    await signInToConsole(
      page,
      server.url,
      'Security officer, Region Stockholm',
      '/console/nothing-here',
    );
    await page.getByRole('heading', { name: 'No such page' }).waitFor();
    await signOutOfConsole(page);
  });
});
