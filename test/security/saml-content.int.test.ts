import { deflateRawSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { spEndpoints } from '../../src/identity/saml/service-provider.js';
import * as attack from '../support/idp/attacks.js';
import { expectLoginRefused } from '../support/idp/expect.js';
import { type Harness, startHarness } from '../support/idp/harness.js';
import { INERA, ineraNurse, LOA, municipalOfficer } from '../support/idp/users.js';

/**
 * What a correctly signed response may still get wrong, and hostile input around it
 * (SECURITY.md, "SAML service provider"): comment injection, replay, solicitation,
 * issuer/audience/recipient/destination, cross-IdP, time window, DTDs, size, LoA.
 */

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h?.close());

const post = (slug: string, samlResponse: string) =>
  h.postAcs(slug, { SAMLResponse: samlResponse, RelayState: '/' });
const inera = (overrides: Record<string, unknown> = {}, user = ineraNurse()) =>
  h.signedResponse('inera', user, { overrides });

describe('comment injection', () => {
  test('in the NameID (signature still verifies under exclusive c14n)', async () => {
    const before = await h.sessionCount();
    const res = await post('inera', attack.commentInNameId((await inera()).SAMLResponse));
    await expectLoginRefused(h, res, ['UNSAFE_XML'], before);
  });
  test('in an attribute used for mapping', async () => {
    const before = await h.sessionCount();
    const r = await h.signedResponse('kommun', municipalOfficer());
    const res = await post(
      'kommun',
      attack.commentInAttributeValue(r.SAMLResponse, 'urn:kommun:grupp'),
    );
    await expectLoginRefused(h, res, ['UNSAFE_XML'], before);
  });
});

describe('replay and solicitation', () => {
  test('the same Response a second time', async () => {
    const r = await inera();
    expect((await post('inera', r.SAMLResponse)).status).toBe(303);
    const before = await h.sessionCount();
    await expectLoginRefused(h, await post('inera', r.SAMLResponse), ['REPLAY'], before);
  });
  test('the same IdP-initiated Response a second time (no request ID to consume)', async () => {
    const r = await h.signedResponse('kommun', municipalOfficer(), { unsolicited: true });
    expect((await post('kommun', r.SAMLResponse)).status).toBe(303);
    const before = await h.sessionCount();
    await expectLoginRefused(h, await post('kommun', r.SAMLResponse), ['REPLAY'], before);
  });
  test('an InResponseTo we never issued', async () => {
    const before = await h.sessionCount();
    const res = await post(
      'inera',
      (await inera({ inResponseTo: '_0123456789abcdef0123456789abcdef' })).SAMLResponse,
    );
    await expectLoginRefused(h, res, ['IN_RESPONSE_TO'], before);
  });
  test('an InResponseTo already consumed by another response', async () => {
    const authorizeUrl = await h.startLogin('inera');
    const spMetadata = await h.spMetadata('inera');
    const acsUrl = spEndpoints(h.url, 'inera').acsUrl;
    const first = await h.inera.respond({ authorizeUrl, spMetadata, acsUrl, user: ineraNurse() });
    const second = await h.inera.respond({ authorizeUrl, spMetadata, acsUrl, user: ineraNurse() });
    expect((await post('inera', first.SAMLResponse)).status).toBe(303);
    const before = await h.sessionCount();
    await expectLoginRefused(
      h,
      await post('inera', second.SAMLResponse),
      ['IN_RESPONSE_TO'],
      before,
    );
  });
  test('a request ID issued to another IdP', async () => {
    const kommunRequest = new URL(await h.startLogin('kommun'));
    const { inflateRawSync } = await import('node:zlib');
    const xml = inflateRawSync(
      Buffer.from(kommunRequest.searchParams.get('SAMLRequest')!, 'base64'),
    ).toString();
    const id = /ID="([^"]+)"/.exec(xml)![1]!;
    const before = await h.sessionCount();
    await expectLoginRefused(
      h,
      await post('inera', (await inera({ inResponseTo: id })).SAMLResponse),
      ['IN_RESPONSE_TO'],
      before,
    );
  });
  test('an unsolicited response to an IdP that may not start logins', async () => {
    const before = await h.sessionCount();
    const r = await h.signedResponse('inera', ineraNurse(), { unsolicited: true });
    await expectLoginRefused(h, await post('inera', r.SAMLResponse), ['UNSOLICITED'], before);
  });
});

describe('addressing', () => {
  test('wrong Issuer (signed by the right key)', async () => {
    const before = await h.sessionCount();
    await expectLoginRefused(
      h,
      await post('inera', (await inera({ issuer: 'https://idp.evil.test/saml' })).SAMLResponse),
      ['ISSUER'],
      before,
    );
  });
  test('wrong Audience', async () => {
    const before = await h.sessionCount();
    await expectLoginRefused(
      h,
      await post('inera', (await inera({ audience: 'https://other-sp.test' })).SAMLResponse),
      ['AUDIENCE'],
      before,
    );
  });
  test('wrong Recipient', async () => {
    const before = await h.sessionCount();
    await expectLoginRefused(
      h,
      await post('inera', (await inera({ recipient: 'https://other-sp.test/acs' })).SAMLResponse),
      ['RECIPIENT'],
      before,
    );
  });
  test('wrong Destination', async () => {
    const before = await h.sessionCount();
    await expectLoginRefused(
      h,
      await post('inera', (await inera({ destination: 'https://other-sp.test/acs' })).SAMLResponse),
      ['DESTINATION'],
      before,
    );
  });
  test("IdP A's response at IdP B's ACS", async () => {
    const r = await h.signedResponse('kommun', municipalOfficer());
    const before = await h.sessionCount();
    await expectLoginRefused(h, await post('inera', r.SAMLResponse), ['DESTINATION'], before);
  });
  test("IdP A signing for IdP B's endpoints", async () => {
    const b = spEndpoints(h.url, 'inera');
    const r = await h.kommun.respond({
      authorizeUrl: null,
      spMetadata: await h.spMetadata('inera'),
      spEntityId: b.entityId,
      acsUrl: b.acsUrl,
      user: municipalOfficer(),
    });
    const before = await h.sessionCount();
    await expectLoginRefused(
      h,
      await post('inera', r.SAMLResponse),
      ['ISSUER', 'SIGNATURE'],
      before,
    );
  });
});

describe('time window (inera: 30 s skew)', () => {
  test('NotBefore in the future beyond the skew', async () => {
    const before = await h.sessionCount();
    const r = await inera({ notBefore: new Date(Date.now() + 120_000) });
    await expectLoginRefused(h, await post('inera', r.SAMLResponse), ['TIME_WINDOW'], before);
  });
  test('NotOnOrAfter in the past beyond the skew', async () => {
    const before = await h.sessionCount();
    const r = await inera({ notOnOrAfter: new Date(Date.now() - 60_000) });
    await expectLoginRefused(h, await post('inera', r.SAMLResponse), ['TIME_WINDOW'], before);
  });
  test('within the skew is accepted', async () => {
    const r = await inera({ notOnOrAfter: new Date(Date.now() - 10_000) });
    expect((await post('inera', r.SAMLResponse)).status).toBe(303);
  });
});

describe('unsafe XML, size and encoding', () => {
  test('a DTD with an external entity', async () => {
    const before = await h.sessionCount();
    await expectLoginRefused(
      h,
      await post('inera', attack.withDoctype((await inera()).SAMLResponse)),
      ['UNSAFE_XML'],
      before,
    );
  });
  test('an internal entity used in the NameID', async () => {
    const before = await h.sessionCount();
    await expectLoginRefused(
      h,
      await post('inera', attack.withEntityReference((await inera()).SAMLResponse)),
      ['UNSAFE_XML'],
      before,
    );
  });
  test('an XSLT transform in the signature', async () => {
    const before = await h.sessionCount();
    const r = await inera();
    const xslt = attack.alterSignedValue(
      r.SAMLResponse,
      'http://www.w3.org/2000/09/xmldsig#enveloped-signature',
      'http://www.w3.org/TR/1999/REC-xslt-19991116',
    );
    await expectLoginRefused(h, await post('inera', xslt), ['ALGORITHM'], before);
  });
  test('an oversized request body', async () => {
    const before = await h.sessionCount();
    const res = await post('inera', 'A'.repeat(400_000));
    await expectLoginRefused(h, res, ['TOO_LARGE'], before, 413);
  });
  test('a SAML message over the size limit inside an accepted body', async () => {
    const before = await h.sessionCount();
    const padded = attack.encode(
      `${attack.decode((await inera()).SAMLResponse)}${' '.repeat(140_000)}`,
    );
    await expectLoginRefused(h, await post('inera', padded), ['TOO_LARGE'], before, 413);
  });
  test('a deflate bomb at the Redirect-binding SLO endpoint', async () => {
    const bomb = deflateRawSync(Buffer.alloc(5 * 1024 * 1024, 0x20)).toString('base64');
    const res = await fetch(
      `${h.url}/auth/saml/inera/slo?SAMLRequest=${encodeURIComponent(bomb)}&SigAlg=x&Signature=y`,
      { redirect: 'manual' },
    );
    expect(bomb.length).toBeLessThan(12_000);
    expect(res.status).toBe(400);
    expect(await res.text()).not.toMatch(/Error:|at [\w.]+ \(/);
    expect(JSON.stringify(h.logs.at(-1))).toContain('inflates beyond the limit');
  });
  test('malformed XML', async () => {
    const before = await h.sessionCount();
    await expectLoginRefused(
      h,
      await post(
        'inera',
        attack.encode(
          '<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol"><unclosed>',
        ),
      ),
      ['MALFORMED'],
      before,
    );
  });
  test('not base64', async () => {
    const before = await h.sessionCount();
    await expectLoginRefused(h, await post('inera', '<<<not base64>>>'), ['MALFORMED'], before);
  });
  test('no SAMLResponse at all', async () => {
    const before = await h.sessionCount();
    await expectLoginRefused(h, await h.postAcs('inera', {}), ['MALFORMED'], before);
  });
});

describe('IdP and person', () => {
  test('level of assurance below what the IdP configuration demands', async () => {
    const before = await h.sessionCount();
    const user = ineraNurse({ [LOA]: ['http://id.sambi.se/loa/loa2'] });
    user.authnContextClassRef = 'http://id.sambi.se/loa/loa2';
    await expectLoginRefused(
      h,
      await post('inera', (await inera({}, user)).SAMLResponse),
      ['LEVEL_OF_ASSURANCE'],
      before,
    );
  });
  test('no level of assurance at all', async () => {
    const before = await h.sessionCount();
    const user = ineraNurse();
    delete user.attributes[LOA];
    user.authnContextClassRef = 'urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport';
    await expectLoginRefused(
      h,
      await post('inera', (await inera({}, user)).SAMLResponse),
      ['LEVEL_OF_ASSURANCE'],
      before,
    );
  });
  test('an IdP error status', async () => {
    const before = await h.sessionCount();
    const r = await inera({ statusCode: 'urn:oasis:names:tc:SAML:2.0:status:Responder' });
    await expectLoginRefused(h, await post('inera', r.SAMLResponse), ['STATUS'], before);
  });
  test('an unmapped person gets no access and the log says what was missing', async () => {
    const before = await h.sessionCount();
    const user = ineraNurse({ [`${INERA}healthcareProfessionalLicense`]: [] });
    const res = await post('inera', (await inera({}, user)).SAMLResponse);
    const text = await res.clone().text();
    expect(text).toContain('gives you no access');
    await expectLoginRefused(h, res, ['NO_ACCESS'], before);
    expect(JSON.stringify(h.logs.at(-1))).toContain('no role rule matched');
  });
  test('unknown IdP', async () => {
    const res = await post('no-such-idp', (await inera()).SAMLResponse);
    expect(res.status).toBe(404);
    expect(await res.text()).toContain('We do not know this login service');
    const login = await fetch(`${h.url}/auth/saml/no-such-idp/login`, { redirect: 'manual' });
    expect(login.status).toBe(404);
  });
  test('a disabled IdP', async () => {
    const r = await h.signedResponse('kommun', municipalOfficer());
    await h.services.idps.disable('kommun', 'test-admin');
    try {
      const before = await h.sessionCount();
      await expectLoginRefused(h, await post('kommun', r.SAMLResponse), ['IDP_DISABLED'], before);
    } finally {
      await h.services.idps.update('kommun', { enabled: true }, 'test-admin');
    }
  });
});
