import { mkdirSync } from 'node:fs';
import type { Locator, Page } from 'playwright-core';
import { expect } from 'vitest';
import type { TestBrowser } from './browser.js';
import { freePort } from './demo-login.js';
import { startTestServer, type TestServer } from './server.js';

/**
 * Steps the console's browser tests share: signing in through the console's own sign-in
 * page and the demo IdP's persona page (the real SAML login, through the ACS), signing
 * out, and asking the API directly with the signed-in session's token.
 */

/** Where the browser tests put their screenshots. */
export const SHOTS = 'docs/screenshots';

/**
 * The server the console's browser tests sign in to: the demo IdP on, on a port it names
 * in PUBLIC_URL (the IdP's and the ACS's URLs derive from it).
 */
export async function startConsoleServer(env: Record<string, string> = {}): Promise<TestServer> {
  mkdirSync(SHOTS, { recursive: true });
  const port = await freePort();
  return startTestServer({
    DEMO_IDP: 'true',
    PORT: String(port),
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    ...env,
  });
}

/** What every browser test checks after each step: nothing left loopback, no CSP violation. */
export function expectStayedOffline(browser: TestBrowser): void {
  expect(browser.nonLoopbackRequests).toEqual([]);
  expect(browser.cspViolations).toEqual([]);
}

export const DEMO_BUTTON = 'Sign in with Demo IdP (development)';

/** Opens `path` of the console signed out, signs in as the persona, and waits for the shell. */
export async function signInToConsole(
  page: Page,
  baseUrl: string,
  personaLabel: string,
  path = '/console',
): Promise<void> {
  await page.goto(`${baseUrl}${path}`);
  await page.getByRole('link', { name: DEMO_BUTTON }).click();
  await page.waitForURL(/\/demo-idp\//);
  await page.getByRole('button', { name: personaLabel, exact: false }).first().click();
  await page.waitForURL((url) => url.pathname.startsWith('/console'));
}

export async function signOutOfConsole(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/console'));
}

/**
 * Runs a GraphQL query as the signed-in person, from the page, with a token of its own
 * from `/auth/refresh` (the session cookie is HttpOnly; the console's token is in memory).
 */
export async function apiAsSignedIn(
  page: Page,
  query: string,
): Promise<{ data?: unknown; errors?: { message: string; extensions?: { code?: string } }[] }> {
  return page.evaluate(async (document) => {
    const refresh = await fetch('/auth/refresh', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    const { accessToken } = (await refresh.json()) as { accessToken: string };
    const response = await fetch('/graphql', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/graphql-response+json',
        authorization: `Bearer ${accessToken}`,
      },
      body: JSON.stringify({ query: document }),
    });
    return response.json();
  }, query);
}

/**
 * What a control's aria-describedby points at, as text: what a screen reader reads after
 * the control's name (the problem a field was refused for, for one).
 */
export async function describedBy(control: Locator): Promise<string> {
  return control.evaluate((element) =>
    (element.getAttribute('aria-describedby') ?? '')
      .split(/\s+/)
      .filter((id) => id !== '')
      .map((id) => document.getElementById(id)?.textContent ?? '')
      .join(' ')
      .trim(),
  );
}
