import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openBrowser, type TestBrowser } from '../support/browser.js';
import {
  expectStayedOffline,
  signInToConsole,
  signOutOfConsole,
  startConsoleServer,
} from '../support/console-browser.js';
import type { TestServer } from '../support/server.js';

/**
 * WCAG 2.1 AA in the console (issue 13, item 1): every page of every area, as the persona
 * whose role shows it, checked by axe-core's rules for WCAG 2.0/2.1 A and AA (contrast of
 * text, names of controls and links, labels, landmarks, document language) at 1280×800.
 * axe runs inside the page (through the DevTools protocol, so the console's strict CSP
 * stays as it is) and reads the rendered colours, not the style sheet.
 */

const AXE_SOURCE = readFileSync(
  createRequire(import.meta.url).resolve('axe-core/axe.min.js'),
  'utf8',
);

interface Violation {
  id: string;
  impact: string | null;
  nodes: { target: unknown[]; failureSummary?: string }[];
}

async function wcagViolations(page: Page): Promise<Violation[]> {
  await page.evaluate(AXE_SOURCE);
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (...args: unknown[]) => Promise<unknown> } })
      .axe;
    const result = (await axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    })) as { violations: Violation[] };
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      nodes: v.nodes.map((n) => ({ target: n.target, failureSummary: n.failureSummary })),
    }));
  });
}

/** Each area's pages, through the persona whose role shows the area. */
const AREAS: [persona: string, area: string][] = [
  ['Security officer, Region Stockholm', 'security'],
  ['Identity admin', 'identity'],
  ['Finance officer, Region Stockholm', 'finance'],
  ['Information owner, Region Stockholm', 'retention'],
];

describe('the console meets WCAG 2.1 AA, page by page', () => {
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

  it.each(AREAS)('%s: every page of /console/%s', { timeout: 180_000 }, async (persona, area) => {
    const { page } = browser;
    await signInToConsole(page, server.url, persona, `/console/${area}`);
    await page.locator('main h1').first().waitFor();
    const found: Record<string, Violation[]> = { [page.url()]: await wcagViolations(page) };
    const tabs = page.locator('main nav.tabs a');
    const hrefs = await tabs.evaluateAll((links) =>
      links.map((link) => (link as HTMLAnchorElement).href),
    );
    expect(hrefs.length).toBeGreaterThan(1);
    for (const href of hrefs) {
      await page.goto(href);
      await page.locator('main h1').first().waitFor();
      // Lists load after the heading; the page is checked once its data is in.
      await page.waitForLoadState('networkidle');
      found[href] = await wcagViolations(page);
    }
    expect(found).toEqual(Object.fromEntries(Object.keys(found).map((url) => [url, []])));
    await signOutOfConsole(page);
  });

  it('the start page with the inbox count, as a social worker', async () => {
    const { page } = browser;
    await signInToConsole(page, server.url, 'Social worker, Solna');
    await page.getByTestId('inbox-count').waitFor();
    expect(await wcagViolations(page)).toEqual([]);
    await signOutOfConsole(page);
  });
});
