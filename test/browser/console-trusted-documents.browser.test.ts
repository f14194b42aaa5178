import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openBrowser, type TestBrowser } from '../support/browser.js';
import {
  apiAsSignedIn,
  expectStayedOffline,
  signInToConsole,
  startConsoleServer,
} from '../support/console-browser.js';
import type { TestServer } from '../support/server.js';

/**
 * The console under TRUSTED_DOCUMENTS=enforce, as production runs: it sends every
 * operation by its id (never its text), the served manifest lists them, so the identity
 * admin's main flows work, while the same question sent as text is refused.
 */

const A = 'http://sambi.se/attributes/1/';

describe('the console with trusted documents enforced', () => {
  let server: TestServer;
  let browser: TestBrowser;
  const bodies: Record<string, unknown>[] = [];

  beforeAll(async () => {
    server = await startConsoleServer({ TRUSTED_DOCUMENTS: 'enforce' });
    browser = await openBrowser();
    browser.page.on('request', (request) => {
      if (new URL(request.url()).pathname === '/graphql' && request.method() === 'POST') {
        bodies.push(JSON.parse(request.postData() ?? '{}') as Record<string, unknown>);
      }
    });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });
  afterEach(() => expectStayedOffline(browser));

  it('lists the IdPs with their certificates and dry-runs a rule set', async () => {
    const { page } = browser;
    await signInToConsole(page, server.url, 'Identity admin', '/console/identity');
    await page.getByRole('link', { name: 'Identity providers' }).click();
    const row = page.getByTestId('idp-row').first();
    await row.waitFor();
    expect(await row.textContent()).toMatch(/expires in \d+ days/);
    await page.getByRole('link', { name: 'Mapping dry run' }).click();
    const form = page.getByRole('form', { name: 'Dry-run a rule set' });
    await form
      .getByLabel('Attributes, one per line: name = value')
      .fill(`${A}employeeHsaId = SE2321000016-DP12\n${A}commissionRight = Journalföring`);
    await form.getByRole('button', { name: 'Dry run' }).click();
    await page
      .getByTestId('dry-run-result')
      .getByRole('status')
      .getByText(/no access/)
      .waitFor();
  });

  it('rotates the signing key and filters the events that record it', async () => {
    const { page } = browser;
    await page.getByRole('link', { name: 'Signing keys' }).click();
    await page.getByTestId('signing-key-row').first().waitFor();
    await page.getByRole('button', { name: 'Rotate the signing key…' }).click();
    await page.getByRole('button', { name: 'Yes, rotate the signing key' }).click();
    const kid = (await page.getByTestId('new-key-id').textContent()) ?? '';
    await page.locator('[data-testid="signing-key-row"][data-state="PUBLISHED"]').waitFor();

    await page.getByRole('link', { name: 'Events' }).click();
    const filter = page.getByRole('form', { name: 'Filter identity events' });
    await filter.getByLabel('Outcome').selectOption('SUCCESS');
    await filter.getByLabel('Person (HSA-ID)').fill('SE2321000016-DP10');
    await filter.getByRole('button', { name: 'Filter' }).click();
    const login = page.getByTestId('identity-event-row').filter({ hasText: 'LOGIN' }).first();
    await login.waitFor();
    expect(await login.textContent()).toContain('Success');
    // The rotation is recorded too (the actor is the admin; the key has no person).
    await filter.getByLabel('Person (HSA-ID)').fill('');
    await filter.getByRole('button', { name: 'Filter' }).click();
    await page
      .getByTestId('identity-event-row')
      .filter({ hasText: 'KEY_CREATED' })
      .first()
      .waitFor();
    expect(kid).toMatch(/^es256-/);
  });

  it('creates a rule set, and finds a person’s sessions', async () => {
    const { page } = browser;
    await page.getByRole('link', { name: 'Mapping rules' }).click();
    const form = page.getByRole('form', { name: 'Create a rule set' });
    await form.getByLabel('Name').fill('Enforced');
    await form.getByRole('button', { name: 'Create the rule set' }).click();
    await form.getByRole('status').getByText('Created Enforced (version 1).').waitFor();

    await page.getByRole('link', { name: 'Sessions' }).click();
    await page.getByLabel('Person (employee HSA-ID)').fill('SE2321000016-DP10');
    await page.getByRole('button', { name: 'Find sessions' }).click();
    await page.getByTestId('session-row').first().waitFor();
  });

  it('sent every operation by id, none as text; the same question as text is refused', async () => {
    expect(bodies.length).toBeGreaterThan(8);
    for (const body of bodies) {
      expect(body.query).toBeUndefined();
      expect(
        (body.extensions as { persistedQuery?: { sha256Hash?: string } }).persistedQuery
          ?.sha256Hash,
      ).toMatch(/^sha256:[0-9a-f]{64}$/);
    }
    // Last: it refreshes the session's token beside the console's own.
    const answer = await apiAsSignedIn(browser.page, '{ tokenSigningKeys { kid } }');
    expect(answer.errors?.[0]?.extensions?.code).toBe('TRUSTED_DOCUMENT_REQUIRED');
  });
});
