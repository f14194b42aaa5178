import { mkdirSync } from 'node:fs';
import type { Page, Request, WebSocket } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SendAdmissionNoticeDocument } from '../generated/graphql.js';
import { openBrowser, type TestBrowser } from '../support/browser.js';
import {
  residentWithoutCase,
  SOC_SOLNA,
  unitGlobalId,
  WARD_KAROLINSKA_GERIATRIK,
} from '../support/demo.js';
import { freePort } from '../support/demo-login.js';
import { untilSubscribers } from '../support/live.js';
import { startTestServer, type TestServer } from '../support/server.js';

/**
 * The front door in Chromium, against the real server with the demo IdP: the start page,
 * a sign-in through the demo IdP's persona page (real SAML, through the ACS), a query in
 * the IDE with its redactions, and sign-out. Every test asserts that no request left
 * loopback and that no Content-Security-Policy violation was reported. The screenshots in
 * docs/screenshots are taken here (1280×800).
 */

const SHOTS = 'docs/screenshots';
const DEMO_BUTTON = 'Sign in with Demo IdP (development)';
const JWT = /eyJ[\w-]+\.[\w-]+\.[\w-]+/;

/**
 * Runs the open tab. GraphiQL loads its editor (CodeMirror) after the page renders, and a
 * click before the editor holds the query runs nothing: wait for the query text first.
 */
async function runOpenTab(page: Page, keyword: 'query' | 'subscription' = 'query'): Promise<void> {
  await page.locator('.graphiql-query-editor .CodeMirror-code', { hasText: keyword }).waitFor();
  await page.getByRole('button', { name: 'Execute query (Ctrl-Enter)' }).click();
}

type Run = { how: 'posted' } | { how: 'subscribed'; socket: WebSocket };

/**
 * How the next run of the open tab leaves the page: as a `subscribe` message over a new
 * WebSocket (graphql-ws opens one for the first subscription), or posted to /graphql (a
 * post of the tab's subscription document; any other post, such as the IDE's schema
 * introspection, is not the run).
 */
function howTheNextRunGoesOut(page: Page): Promise<Run> {
  return new Promise((resolve) => {
    const settle = (run: Run) => {
      page.off('request', onRequest);
      page.off('websocket', onSocket);
      resolve(run);
    };
    const onRequest = (request: Request) => {
      if (request.method() !== 'POST' || new URL(request.url()).pathname !== '/graphql') return;
      const body = request.postDataJSON() as { query?: string } | null;
      if (/\bsubscription\b/.test(body?.query ?? '')) settle({ how: 'posted' });
    };
    const onSocket = (socket: WebSocket) =>
      socket.on('framesent', ({ payload }) => {
        if (JSON.parse(String(payload)).type === 'subscribe') settle({ how: 'subscribed', socket });
      });
    page.on('request', onRequest);
    page.on('websocket', onSocket);
  });
}

/**
 * Rejects when the server ends the subscription (an `error` or `complete` message) or the
 * socket closes, with what the server said; never resolves. A rejection after the test has
 * moved on (the socket closes at sign-out) is nobody's business.
 */
function endOf(socket: WebSocket): Promise<never> {
  const ended = new Promise<never>((_, reject) => {
    socket.on('framereceived', ({ payload }) => {
      const type = JSON.parse(String(payload)).type;
      if (type === 'error' || type === 'complete')
        reject(new Error(`the server ended the subscription: ${String(payload)}`));
    });
    socket.on('close', () => reject(new Error('the socket closed')));
  });
  ended.catch(() => undefined);
  return ended;
}

describe('the front door in a browser, offline', () => {
  let server: TestServer;
  let browser: TestBrowser;
  const bearerRequests: string[] = [];

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    // The IdP's and the ACS's URLs derive from PUBLIC_URL, so it names the real port.
    const port = await freePort();
    server = await startTestServer({
      DEMO_IDP: 'true',
      PORT: String(port),
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      // The shortest lifetime allowed, so the IDE's own refresh shows within the test.
      IDENTITY_ACCESS_TOKEN_SECONDS: '30',
    });
    browser = await openBrowser();
    browser.page.on('request', (request) => {
      if (request.url().endsWith('/graphql') && request.method() === 'POST')
        bearerRequests.push(request.headers().authorization ?? '');
    });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });
  afterEach(() => {
    expect(browser.nonLoopbackRequests).toEqual([]);
    expect(browser.cspViolations).toEqual([]);
  });

  it('shows the start page with the sign-in buttons, the demo IdP first', async () => {
    const { page } = browser;
    await page.goto(`${server.url}/`);
    expect(await page.title()).toBe('Brygga');
    const buttons = page.locator('main ul.sign-in a');
    expect(await buttons.first().textContent()).toBe(DEMO_BUTTON);
    await page.screenshot({ path: `${SHOTS}/start-page.png` });
    for (const name of ['GraphQL IDE', 'The schema', 'Token signing keys'])
      expect(await page.getByRole('link', { name }).count()).toBe(1);
    // Keyboard: the first Tab reaches the skip link, the next ones the sign-in buttons.
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe(DEMO_BUTTON);
  });

  it('signs in as a social worker through the demo IdP and lands in the IDE', async () => {
    const { page } = browser;
    await page.getByRole('link', { name: DEMO_BUTTON }).click();
    await page.waitForURL(/\/demo-idp\//);
    const persona = page.getByRole('button', { name: 'Social worker, Solna' });
    await persona.waitFor();
    await page.screenshot({ path: `${SHOTS}/demo-idp-personas.png` });
    await persona.click();
    await page.waitForURL(`${server.url}/ide`);
    await page.getByTestId('signed-in-name').waitFor();
    expect(await page.getByTestId('signed-in-roles').textContent()).toBe('SOCIAL_SERVICES_STAFF');
    expect(await page.getByTestId('signed-in-unit').textContent()).toMatch(/SE\d{10}-/);
    // The token lives in memory only.
    const stored = await page.evaluate(() =>
      JSON.stringify([{ ...localStorage }, { ...sessionStorage }, document.cookie]),
    );
    expect(stored).not.toMatch(JWT);
  });

  it('runs the example query and lists the withheld medical content with its reason', async () => {
    const { page } = browser;
    await runOpenTab(page);
    const panel = page.getByRole('complementary', { name: /Redactions/ });
    await panel.getByRole('listitem').first().waitFor();
    const rows = await panel.getByRole('listitem').allTextContents();
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((row) => /payload/.test(row))).toBe(true);
    expect(rows.some((row) => /CategoryMEDICALReasonCONSENT_REQUIRED/.test(row))).toBe(true);
    const result = await page.locator('.graphiql-response').textContent();
    expect(result).toContain('"reference"');
    expect(bearerRequests.length).toBeGreaterThan(0);
    expect(bearerRequests.every((header) => /^Bearer [\w-]+\.[\w-]+\.[\w-]+$/.test(header))).toBe(
      true,
    );
    await page.screenshot({ path: `${SHOTS}/ide-result.png` });
  });

  it('refreshes the access token on its own before it expires, and sends the new one', async () => {
    const { page } = browser;
    const previous = bearerRequests.at(-1)!;
    // Tokens live 30 s here; the IDE refreshes without any action on the page.
    const refreshed = await page.waitForResponse((response) =>
      response.url().endsWith('/auth/refresh'),
    );
    expect(refreshed.status()).toBe(200);
    await runOpenTab(page);
    await expect.poll(() => bearerRequests.at(-1)).not.toBe(previous);
    await page
      .getByRole('complementary', { name: /Redactions/ })
      .getByRole('listitem')
      .first()
      .waitFor();
    expect(await page.locator('.graphiql-response').textContent()).not.toContain('UNAUTHENTICATED');
    expect(await page.getByTestId('signed-in-name').textContent()).toBe('Eva Strand');
  });

  it('runs the live subscription over a WebSocket, signed in with the in-memory token, and shows an event as the ward sends it', {
    timeout: 120_000,
  }, async () => {
    const { page } = browser;
    const sockets: string[] = [];
    page.on('websocket', (socket) => sockets.push(socket.url()));
    // The ward's client and the notice are made ready first, so the notice follows the
    // subscription at once, well within the socket's 30-second token.
    const ward = await server.clientFor(WARD_KAROLINSKA_GERIATRIK);
    const input = {
      personalIdentityNumber: residentWithoutCase(0).personalIdentityNumber,
      admittedAt: new Date(Date.now() - 3_600_000).toISOString(),
      municipalityParties: [
        {
          unitId: await unitGlobalId(server.owner, SOC_SOLNA),
          role: 'MUNICIPAL_SOCIAL_SERVICES' as const,
        },
      ],
      expectedNeeds: 'Hemtjänst',
    };
    await page.locator('.graphiql-tab', { hasText: 'CaseActivity' }).click();
    // GraphiQL takes the operation to run from the editor's cursor; right after a tab
    // switch it can still hold the previous tab's operation name, and then posts that as a
    // query (the server answers "Unknown operation named CaseEventPayloads"). So the cursor
    // is put in the subscription, as a person would, and the run is tried again until it
    // goes out over the WebSocket. How it went out is read from the traffic, not from the
    // button: a slow post shows "Stop" as a subscription does.
    let socket: WebSocket | undefined;
    for (let tries = 1; socket === undefined; tries++) {
      const run = howTheNextRunGoesOut(page);
      await page
        .locator('.graphiql-query-editor .CodeMirror-line', { hasText: 'subscription' })
        .first()
        .click();
      await runOpenTab(page, 'subscription');
      const ran = await run;
      if (ran.how === 'subscribed') socket = ran.socket;
      else expect(tries, 'GraphiQL kept running the previous tab’s operation').toBeLessThan(5);
    }
    // The socket is open and subscribed once the server's feed has a listener. Should the
    // server end the subscription or close the socket first, the test fails at once with
    // what it said, rather than waiting for a listener that will not come.
    await Promise.race([untilSubscribers(server, 1), endOf(socket)]);
    const sent = await ward.request(SendAdmissionNoticeDocument, { input });
    expect(sent.sendAdmissionNotice.__typename).toBe('SendAdmissionNoticeSuccess');
    await page.locator('.graphiql-response', { hasText: 'ADMISSION_NOTICE_SENT' }).waitFor();
    const result = await page.locator('.graphiql-response').textContent();
    expect(result).toContain('"forYourUnit": true');
    expect(sockets).toEqual([`${server.url.replace(/^http/, 'ws')}/graphql`]);
    await page.screenshot({ path: `${SHOTS}/ide-subscription.png` });
  });

  it('signs out: the session ends and the IDE shows signed-out', async () => {
    const { page } = browser;
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL((url) => url.pathname !== '/ide');
    const refresh = await page.evaluate(async () => {
      const response = await fetch('/auth/refresh', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
      return response.status;
    });
    expect(refresh).toBe(401);
    await page.goto(`${server.url}/ide`);
    await page.getByTestId('signed-out').waitFor();
    expect(await page.getByTestId('signed-in-name').count()).toBe(0);
    // The sign-in link returns here.
    expect(await page.getByRole('link', { name: DEMO_BUTTON }).getAttribute('href')).toBe(
      '/auth/saml/demo/login?returnTo=%2Fide',
    );
  });
});
