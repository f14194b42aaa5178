import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { generateSelfSignedCertificate } from '../../src/identity/certificates.js';
import { openBrowser, type TestBrowser } from '../support/browser.js';
import {
  describedBy,
  expectStayedOffline,
  SHOTS,
  signInToConsole,
  signOutOfConsole,
  startConsoleServer,
} from '../support/console-browser.js';
import { SamlifyIdp } from '../support/idp/samlify-idp.js';
import type { TestServer } from '../support/server.js';

/**
 * The identity admin's federation area in Chromium against the real server: an IdP
 * imported from an uploaded metadata file, a dry run of the rule set that explains why a
 * medical secretary's login gets no access, and a ward nurse's session revoked, after which
 * the nurse's next request fails. No request leaves loopback and no CSP violation, in
 * either browser. Screenshots (1280×800) go to docs/screenshots.
 */

const ADMIN = 'Identity admin';
const NURSE_HSA_ID = 'SE2321000016-DP01';
const A = 'http://sambi.se/attributes/1/';

describe('the federation area in a browser', () => {
  let server: TestServer;
  let browser: TestBrowser;
  let nurse: TestBrowser;

  beforeAll(async () => {
    server = await startConsoleServer();
    browser = await openBrowser();
    nurse = await openBrowser();
  });
  afterAll(async () => {
    await nurse?.close();
    await browser?.close();
    await server?.close();
  });
  afterEach(() => {
    for (const b of [browser, nurse]) expectStayedOffline(b);
  });

  it('imports an IdP from an uploaded metadata file, with its certificate and expiry', async () => {
    const { page } = browser;
    await signInToConsole(page, server.url, ADMIN);
    await page
      .getByRole('navigation', { name: 'Console areas' })
      .getByRole('link', { name: 'Federation (identitetsfederation)' })
      .click();
    await page.getByRole('heading', { name: 'Identity providers (identitetsutfärdare)' }).waitFor();
    await page.getByTestId('idp-row').first().waitFor();
    const before = await page.getByTestId('idp-row').count();
    const keys = await generateSelfSignedCertificate('vgr');
    const idp = new SamlifyIdp(
      'https://vgr.test/saml',
      'https://vgr.test/sso',
      keys.certificatePem,
      keys.privateKeyPem,
    );
    const form = page.getByRole('form', { name: 'Import IdP metadata' });
    await form.getByLabel('Short name (slug)').fill('vgr');
    await form.getByLabel('Display name').fill('Västra Götalandsregionen');
    await form.getByLabel('Metadata file').setInputFiles({
      name: 'vgr-metadata.xml',
      mimeType: 'application/xml',
      buffer: Buffer.from(idp.idp.getMetadata()),
    });
    await form.getByRole('button', { name: 'Import metadata' }).click();
    await page.getByRole('status').getByText('Imported: Västra Götalandsregionen.').waitFor();
    const row = page.getByTestId('idp-row').filter({ hasText: 'Västra Götalandsregionen' });
    await row.waitFor();
    expect(await page.getByTestId('idp-row').count()).toBe(before + 1);
    expect(await row.textContent()).toContain('https://vgr.test/saml');
    expect(await row.textContent()).toMatch(/CN=vgr.*expires in \d+ days/);
    await page.screenshot({ path: `${SHOTS}/console-identity.png` });
  });

  it('dry-runs the rule set against a medical secretary’s attributes and explains the refusal', async () => {
    const { page } = browser;
    await page.getByRole('link', { name: 'Mapping dry run' }).click();
    const form = page.getByRole('form', { name: 'Dry-run a rule set' });
    await form
      .getByLabel('Attributes, one per line: name = value')
      .fill(
        [
          `${A}employeeHsaId = SE2321000016-DP12`,
          `${A}givenName = Sara`,
          `${A}surname = Lund`,
          `${A}commissionHsaId = SE2321000016-DU12`,
          `${A}commissionRight = Journalföring`,
        ].join('\n'),
      );
    await form.getByRole('button', { name: 'Dry run' }).click();
    const result = page.getByTestId('dry-run-result');
    await result.waitFor();
    expect(await result.getByRole('status').textContent()).toContain('would get no access');
    expect(await page.getByTestId('denial-reasons').getByRole('listitem').count()).toBeGreaterThan(
      0,
    );
    const outcomes = page.getByTestId('rule-outcomes');
    expect(await outcomes.getByRole('cell', { name: 'Yes', exact: true }).count()).toBe(0);
    expect(await outcomes.getByRole('row').count()).toBeGreaterThan(1);
    await page.screenshot({ path: `${SHOTS}/console-identity-dry-run.png` });
  });

  it('edits a rule set: a regex that does not compile is refused in place, a change is saved', async () => {
    const { page } = browser;
    await page.getByRole('link', { name: 'Mapping rules' }).click();
    const form = page.getByRole('form', { name: 'Edit the rule set' });
    await form.waitFor();
    expect(await page.getByTestId('rule-set-version').textContent()).toMatch(/^Version 1,/);
    const editor = form.getByLabel('Definition (JSON)');
    const original = await editor.inputValue();
    expect(original).toContain('Slutenvård(;.*)?');
    await editor.fill(original.replace('Slutenvård(;.*)?', 'Slutenvård(;.*'));
    await form.getByRole('button', { name: 'Save as a new version' }).click();
    expect(await form.getByTestId('rule-problem-reason').textContent()).toBe(
      'INVALID_MAPPING_RULES',
    );
    expect(await form.getByRole('alert').textContent()).toContain('Slutenvård(;.*');
    expect(await editor.getAttribute('aria-invalid')).toBe('true');
    expect(await describedBy(editor)).toContain('INVALID_MAPPING_RULES');
    expect(await page.getByTestId('rule-set-version').textContent()).toMatch(/^Version 1,/);
    await page.screenshot({ path: `${SHOTS}/console-identity-rules.png` });

    await editor.fill(original);
    await form.getByLabel('What changed (comment)').fill('Reviewed with the HSA team');
    await form.getByRole('button', { name: 'Save as a new version' }).click();
    await page.getByRole('status').getByText('Saved as version 2.').waitFor();
    // The history is fetched again after the save: wait for the new version's row.
    await page.getByTestId('rule-set-versions').getByText('Reviewed with the HSA team').waitFor();
  });

  it('revokes a ward nurse’s session, and the nurse’s next request fails', async () => {
    await signInToConsole(nurse.page, server.url, 'Ward nurse');
    await nurse.page.getByRole('heading', { name: /No access to the console/ }).waitFor();
    const token = await nurse.page.evaluate(async () => {
      const refresh = await fetch('/auth/refresh', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
      return ((await refresh.json()) as { accessToken: string }).accessToken;
    });
    const ask = (accessToken: string) =>
      nurse.page.evaluate(async (bearer) => {
        const response = await fetch('/graphql', {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            accept: 'application/graphql-response+json',
            authorization: `Bearer ${bearer}`,
          },
          body: JSON.stringify({ query: '{ viewer { hsaId } }' }),
        });
        return { status: response.status, body: await response.json() };
      }, accessToken);
    expect((await ask(token)).body.data.viewer.hsaId).toBe(NURSE_HSA_ID);

    const { page } = browser;
    await page.getByRole('link', { name: 'Sessions' }).click();
    await page.getByLabel('Person (employee HSA-ID)').fill(NURSE_HSA_ID);
    await page.getByRole('button', { name: 'Find sessions' }).click();
    const row = page.getByTestId('session-row').first();
    await row.waitFor();
    await row.getByLabel('Reason').fill('Lost SITHS card reported');
    await row.getByRole('button', { name: 'Revoke' }).click();
    await page.getByTestId('session-revoked').first().waitFor();
    expect(await page.getByTestId('session-revoked').first().textContent()).toContain(
      'Lost SITHS card reported',
    );
    await page.screenshot({ path: `${SHOTS}/console-identity-sessions.png` });

    // The nurse's token, issued before, no longer works, and the session cannot be refreshed.
    const after = await ask(token);
    expect(after.body.data?.viewer ?? null).toBeNull();
    expect(after.body.errors?.[0]?.extensions?.code).toMatch(/UNAUTHENTICATED|SESSION_REVOKED/);
    const refresh = await nurse.page.evaluate(async () => {
      const response = await fetch('/auth/refresh', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
      return response.status;
    });
    expect(refresh).toBe(401);
    await signOutOfConsole(page);
  });
});
