import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { generateSelfSignedCertificate } from '../../src/identity/certificates.js';
import { openBrowser, type TestBrowser } from '../support/browser.js';
import {
  apiAsSignedIn,
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
 * The identity admin's keys, events, new rule sets and IdP metadata from a URL in Chromium
 * against the real server: a rotation confirmed first, with the times before and after;
 * identity events filtered by IdP, outcome, person and period and paged by cursor; a new
 * rule set refused in place (an invalid rule, a taken name) and then created; an IdP
 * imported from a URL with its next refresh, disabled and enabled. A security officer sees
 * no federation menu and gets FORBIDDEN for a forced URL. Screenshots (1280×800) go to
 * docs/screenshots.
 */

const ADMIN = 'Identity admin';
const PERSON = 'SE2321000016-DP77';

describe('the identity admin’s keys, events and rule sets in a browser', () => {
  let server: TestServer;
  let browser: TestBrowser;
  let metadataServer: http.Server;
  let metadataUrl: string;
  let metadataXml = '';

  beforeAll(async () => {
    server = await startConsoleServer({ IDENTITY_METADATA_ALLOW_HTTP_LOOPBACK: 'true' });
    browser = await openBrowser();
    metadataServer = http.createServer((_req, res) => {
      res.setHeader('content-type', 'application/samlmetadata+xml');
      res.end(metadataXml);
    });
    await new Promise<void>((resolve) => metadataServer.listen(0, '127.0.0.1', resolve));
    metadataUrl = `http://127.0.0.1:${(metadataServer.address() as AddressInfo).port}/metadata.xml`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => metadataServer?.close(() => resolve()));
    await browser?.close();
    await server?.close();
  });
  afterEach(() => expectStayedOffline(browser));

  it('rotates the signing key only after a confirmation, showing the times before and after', async () => {
    const { page } = browser;
    await signInToConsole(page, server.url, ADMIN, '/console/identity');
    await page.getByRole('link', { name: 'Signing keys' }).click();
    const rows = page.getByTestId('signing-key-row');
    await rows.first().waitFor();
    const before = await rows.count();
    const signing = page.locator('[data-testid="signing-key-row"][data-state="SIGNING"]');
    expect(await signing.count()).toBe(1);
    const signingKid = (await signing.locator('code').textContent()) ?? '';
    expect(await signing.textContent()).toContain('Not scheduled');

    // Cancelled: nothing rotates.
    await page.getByRole('button', { name: 'Rotate the signing key…' }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Cancel' }).click();
    expect(await page.getByRole('alertdialog').count()).toBe(0);
    expect(await rows.count()).toBe(before);

    await page.getByRole('button', { name: 'Rotate the signing key…' }).click();
    await page.getByRole('button', { name: 'Yes, rotate the signing key' }).click();
    const newKid = (await page.getByTestId('new-key-id').textContent()) ?? '';
    expect(newKid).toMatch(/^es256-/);
    const published = page.locator('[data-testid="signing-key-row"][data-state="PUBLISHED"]');
    await published.waitFor();
    expect(await rows.count()).toBe(before + 1);
    expect(await published.locator('code').textContent()).toBe(newKid);
    expect(await page.getByRole('status').textContent()).toMatch(/it signs from \d{4}-\d\d-\d\d/);
    // The key that signed still signs until the new one activates; its retirement is set.
    expect(await signing.locator('code').textContent()).toBe(signingKid);
    expect(await signing.textContent()).not.toContain('Not scheduled');
    await page.screenshot({ path: `${SHOTS}/console-identity-keys.png` });
  });

  it('filters identity events by IdP, outcome, person and period, and pages by cursor', async () => {
    const { page } = browser;
    const { rows: idps } = await server.owner.query<{ id: string; display_name: string }>(
      `SELECT id, display_name FROM identity_provider WHERE slug = 'demo'`,
    );
    const demo = idps[0]!;
    // 30 refused logins of one person on 10 November, and others that the filter leaves out:
    // the same person a day later, a success, another person.
    await server.owner.query(
      `INSERT INTO identity_event (id, occurred_at, type, outcome, idp_id, subject, reason, details)
       SELECT gen_random_uuid(), timestamptz '2026-11-10 08:00:00+01' + n * interval '10 minutes',
              'LOGIN'::identity_event_type, 'FAILURE'::identity_event_outcome, $1::uuid, $2, 'NO_ACCESS', '{}'::jsonb
       FROM generate_series(1, 30) AS n
       UNION ALL SELECT gen_random_uuid(), timestamptz '2026-11-11 09:00:00+01', 'LOGIN', 'FAILURE', $1, $2, 'NO_ACCESS', '{}'
       UNION ALL SELECT gen_random_uuid(), timestamptz '2026-11-10 09:00:00+01', 'LOGIN', 'SUCCESS', $1, $2, NULL, '{}'
       UNION ALL SELECT gen_random_uuid(), timestamptz '2026-11-10 09:00:00+01', 'LOGIN', 'FAILURE', $1, 'SE2321000016-DP78', 'NO_ACCESS', '{}'`,
      [demo.id, PERSON],
    );
    await page.getByRole('link', { name: 'Events' }).click();
    const form = page.getByRole('form', { name: 'Filter identity events' });
    await form.getByLabel('Identity provider').selectOption({ label: demo.display_name });
    await form.getByLabel('Outcome').selectOption('FAILURE');
    await form.getByLabel('Person (HSA-ID)').fill(PERSON);
    await form.getByLabel('From (date)').fill('2026-11-10');
    await form.getByLabel('To (date, inclusive)').fill('2026-11-10');
    await form.getByRole('button', { name: 'Filter' }).click();
    const progress = page.getByTestId('load-progress');
    await progress.getByText('25 of 30 events loaded').waitFor();
    const rows = page.getByTestId('identity-event-row');
    expect(await rows.count()).toBe(25);
    for (const text of await rows.allTextContents()) {
      expect(text).toContain('Failure');
      expect(text).toContain(PERSON);
      expect(text).toContain(demo.display_name);
      expect(text).toContain('2026-11-10');
    }
    // Newest first: the last of the 30 (08:00 + 300 min = 13:00 Stockholm) leads.
    expect(await rows.first().textContent()).toContain('2026-11-10 13:00:00');
    await page.screenshot({ path: `${SHOTS}/console-identity-events.png` });

    await page.getByRole('button', { name: 'Show more' }).click();
    await progress.getByText('30 of 30 events loaded').waitFor();
    expect(await rows.count()).toBe(30);
    expect(await rows.last().textContent()).toContain('2026-11-10 08:10:00');
    expect(await page.getByRole('button', { name: 'Show more' }).count()).toBe(0);
  });

  it('creates a rule set: an invalid rule and a taken name are refused in place, nothing stored', async () => {
    const { page } = browser;
    await page.getByRole('link', { name: 'Mapping rules' }).click();
    const form = page.getByRole('form', { name: 'Create a rule set' });
    await form.waitFor();
    const { rows: sets } = await server.owner.query<{ name: string }>(
      'SELECT name FROM identity_mapping_rule_set ORDER BY name',
    );
    const name = form.getByLabel('Name');
    const definition = form.getByLabel('New definition (JSON)');
    const invalid = {
      roleRules: [
        {
          name: 'social workers',
          attribute: 'urn:kommun:grupp',
          match: { kind: 'regex', pattern: 'bistand(' },
          roles: ['SOCIAL_SERVICES_STAFF'],
        },
      ],
      commissions: { profile: 'INERA' },
    };
    await name.fill('Solna stad');
    await definition.fill(JSON.stringify(invalid, null, 2));
    await form.getByRole('button', { name: 'Create the rule set' }).click();
    expect(await form.getByTestId('rule-problem-reason').textContent()).toBe(
      'INVALID_MAPPING_RULES',
    );
    expect(await form.getByRole('alert').textContent()).toContain('bistand(');
    expect(await definition.getAttribute('aria-invalid')).toBe('true');
    expect(await describedBy(definition)).toContain('INVALID_MAPPING_RULES');
    expect(await name.getAttribute('aria-invalid')).toBe('false');
    expect(await describedBy(name)).toBe('');
    // The new rule set's form is last on the page: the screenshot shows the page's end.
    await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
    await page.screenshot({ path: `${SHOTS}/console-identity-new-rule-set.png` });

    const valid = {
      ...invalid,
      roleRules: [{ ...invalid.roleRules[0], match: { kind: 'regex', pattern: 'bistand(;.*)?' } }],
    };
    await definition.fill(JSON.stringify(valid, null, 2));
    await name.fill(sets[0]!.name);
    await form.getByRole('button', { name: 'Create the rule set' }).click();
    await form.getByTestId('rule-problem-reason').getByText('ALREADY_EXISTS').waitFor();
    expect(await name.getAttribute('aria-invalid')).toBe('true');
    expect(await describedBy(name)).toContain('ALREADY_EXISTS');
    expect(await definition.getAttribute('aria-invalid')).toBe('false');
    expect(await describedBy(definition)).toBe('');
    const { rows: unchanged } = await server.owner.query(
      'SELECT count(*)::int AS n FROM identity_mapping_rule_set',
    );
    expect(unchanged[0].n).toBe(sets.length);

    await name.fill('Solna stad');
    await form.getByLabel('Why (comment)').fill('Solna’s own IdP');
    await form.getByRole('button', { name: 'Create the rule set' }).click();
    await form.getByRole('status').getByText('Created Solna stad (version 1).').waitFor();
    // The editor opens the new set, with its first version in the history.
    const editor = page.getByRole('form', { name: 'Edit the rule set' });
    await editor.getByLabel('Definition (JSON)').filter({ hasText: 'bistand(;.*)?' }).waitFor();
    await page.getByTestId('rule-set-versions').getByText('Solna’s own IdP').waitFor();
    expect(await editor.getByLabel('Rule set').locator('option:checked').textContent()).toBe(
      'Solna stad',
    );
  });

  it('imports an IdP from a URL with its next refresh; disables and enables it', async () => {
    const { page } = browser;
    const keys = await generateSelfSignedCertificate('solna');
    metadataXml = new SamlifyIdp(
      'https://idp.solna.test/saml',
      'https://idp.solna.test/sso',
      keys.certificatePem,
      keys.privateKeyPem,
    ).idp.getMetadata();
    await page.getByRole('link', { name: 'Identity providers' }).click();
    const form = page.getByRole('form', { name: 'Import IdP metadata' });
    await form.getByLabel('Short name (slug)').fill('solna');
    await form.getByLabel('Display name').fill('Solna stad');
    await form.getByLabel('Metadata from').selectOption('url');
    await form.getByLabel('Metadata URL').fill(metadataUrl);
    await form.getByRole('button', { name: 'Import metadata' }).click();
    await page.getByRole('status').getByText('Imported: Solna stad.').waitFor();
    const row = page.getByTestId('idp-row').filter({ hasText: 'https://idp.solna.test/saml' });
    expect(await row.textContent()).toMatch(/CN=solna.*expires in \d+ days/);
    expect(await row.textContent()).toContain(metadataUrl);
    // Refreshed now; fetched again a day later (the default refresh period).
    const refreshed = await row.getByTestId('next-refresh').textContent();
    expect(refreshed).toMatch(/^next refresh \d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    await page.screenshot({ path: `${SHOTS}/console-identity-metadata-url.png` });

    await row.getByRole('button', { name: 'Disable Solna stad' }).click();
    await row.getByRole('button', { name: 'Enable Solna stad' }).waitFor();
    expect(await row.textContent()).toContain('Disabled');
    expect(await row.textContent()).toContain('not refreshed while disabled');
    await row.getByRole('button', { name: 'Enable Solna stad' }).click();
    await row.getByRole('button', { name: 'Disable Solna stad' }).waitFor();
    expect(await row.getByTestId('next-refresh').textContent()).toBe(refreshed);
    await signOutOfConsole(page);
  });

  it('shows a security officer no federation menu; a forced URL is FORBIDDEN, and so is the API', async () => {
    const { page } = browser;
    await signInToConsole(page, server.url, 'Security officer, Region Stockholm');
    const menu = page.getByRole('navigation', { name: 'Console areas' });
    await menu.getByRole('link').first().waitFor();
    expect(await menu.getByRole('link', { name: /Federation/ }).count()).toBe(0);
    await page.goto(`${server.url}/console/identity/keys`);
    await page.getByRole('heading', { name: /Forbidden/ }).waitFor();
    expect(await page.getByTestId('error-code').textContent()).toBe('FORBIDDEN');
    const answer = await apiAsSignedIn(page, '{ tokenSigningKeys { kid } }');
    expect(answer.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(answer.data ?? null).toBeNull();
    await signOutOfConsole(page);
  });
});
