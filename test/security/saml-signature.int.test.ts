import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { generateSelfSignedCertificate } from '../../src/identity/certificates.js';
import { spEndpoints } from '../../src/identity/saml/service-provider.js';
import * as attack from '../support/idp/attacks.js';
import { expectLoginRefused } from '../support/idp/expect.js';
import { type Harness, startHarness } from '../support/idp/harness.js';
import { SamlifyIdp } from '../support/idp/samlify-idp.js';
import { ineraNurse, municipalOfficer } from '../support/idp/users.js';

/**
 * Signature attacks from SECURITY.md ("SAML service provider"), each through HTTP against
 * real signed output of samlify ("inera", Response and Assertion signed) and pysaml2
 * ("kommun", here with only the Assertion signed so that assertion-level wrapping is not
 * caught by the Response signature alone).
 */

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
  await h.services.idps.update('kommun', { requireSignedResponse: false }, 'test-admin');
});
afterAll(async () => h?.close());

async function post(slug: string, samlResponse: string, relayState = '/') {
  return h.postAcs(slug, { SAMLResponse: samlResponse, RelayState: relayState });
}
const ineraResponse = () => h.signedResponse('inera', ineraNurse());
const kommunAssertionOnly = () =>
  h.signedResponse('kommun', municipalOfficer(), { signResponse: false });

describe('control: the untouched responses are accepted', () => {
  test('samlify, both signatures', async () => {
    const res = await post('inera', (await ineraResponse()).SAMLResponse);
    expect(res.status).toBe(303);
  });
  test('pysaml2, assertion signature only', async () => {
    const res = await post('kommun', (await kommunAssertionOnly()).SAMLResponse);
    expect(res.status).toBe(303);
  });
});

describe('signature wrapping (XSW1–XSW8)', () => {
  const responseLevel = { xsw1: attack.xsw1, xsw2: attack.xsw2 };
  const assertionLevel = {
    xsw3: attack.xsw3,
    xsw4: attack.xsw4,
    xsw5: attack.xsw5,
    xsw6: attack.xsw6,
    xsw7: attack.xsw7,
    xsw8: attack.xsw8,
  };
  for (const [name, transform] of Object.entries(responseLevel)) {
    test(`${name} on samlify's signed Response`, async () => {
      const before = await h.sessionCount();
      const res = await post('inera', transform((await ineraResponse()).SAMLResponse));
      await expectLoginRefused(h, res, ['STRUCTURE', 'SIGNATURE'], before);
    });
  }
  for (const [name, transform] of Object.entries(assertionLevel)) {
    test(`${name} on pysaml2's signed Assertion`, async () => {
      const before = await h.sessionCount();
      const res = await post('kommun', transform((await kommunAssertionOnly()).SAMLResponse));
      await expectLoginRefused(h, res, ['STRUCTURE', 'SIGNATURE'], before);
    });
    test(`${name} on samlify's signed Assertion inside a signed Response`, async () => {
      const before = await h.sessionCount();
      const res = await post('inera', transform((await ineraResponse()).SAMLResponse));
      await expectLoginRefused(h, res, ['STRUCTURE', 'SIGNATURE'], before);
    });
  }
});

describe('missing and foreign signatures', () => {
  test('unsigned Response and unsigned Assertion', async () => {
    const before = await h.sessionCount();
    const res = await post(
      'inera',
      attack.stripSignatures((await ineraResponse()).SAMLResponse, 'both'),
    );
    await expectLoginRefused(h, res, ['SIGNATURE'], before);
  });
  test('Response signature stripped where the IdP must sign the Response', async () => {
    const before = await h.sessionCount();
    const res = await post(
      'inera',
      attack.stripSignatures((await ineraResponse()).SAMLResponse, 'response'),
    );
    await expectLoginRefused(h, res, ['SIGNATURE'], before);
  });
  test('unsigned Assertion inside a signed Response (pysaml2 signs only the Response)', async () => {
    const before = await h.sessionCount();
    const r = await h.signedResponse('kommun', municipalOfficer(), {
      signResponse: true,
      signAssertion: false,
    });
    await expectLoginRefused(h, await post('kommun', r.SAMLResponse), ['SIGNATURE'], before);
  });
  test('unsigned Assertion inside a signed Response (samlify signs only the Response)', async () => {
    const before = await h.sessionCount();
    const r = await h.signedResponse('inera', ineraNurse(), {
      signResponse: true,
      signAssertion: false,
    });
    await expectLoginRefused(h, await post('inera', r.SAMLResponse), ['SIGNATURE'], before);
  });
  test('Assertion signature stripped from a signed Response', async () => {
    const before = await h.sessionCount();
    const res = await post(
      'inera',
      attack.stripSignatures((await ineraResponse()).SAMLResponse, 'assertion'),
    );
    await expectLoginRefused(h, res, ['SIGNATURE'], before);
  });
  test('signed by a certificate not pinned for the IdP (its own cert in KeyInfo)', async () => {
    const before = await h.sessionCount();
    const r = await h.impostor.respond({
      authorizeUrl: await h.startLogin('inera'),
      spMetadata: await h.spMetadata('inera'),
      acsUrl: spEndpoints(h.url, 'inera').acsUrl,
      user: ineraNurse(),
    });
    await expectLoginRefused(h, await post('inera', r.SAMLResponse), ['SIGNATURE'], before);
  });
  test('a signed value changed after signing', async () => {
    const before = await h.sessionCount();
    const r = await ineraResponse();
    const res = await post(
      'inera',
      attack.alterSignedValue(r.SAMLResponse, 'SE2321000016-N001', attack.EVIL_HSA_ID),
    );
    await expectLoginRefused(h, res, ['SIGNATURE'], before);
  });
});

describe('document shape', () => {
  test('several root elements', async () => {
    const before = await h.sessionCount();
    const res = await post('inera', attack.twoRoots((await ineraResponse()).SAMLResponse));
    await expectLoginRefused(h, res, ['MALFORMED', 'STRUCTURE'], before);
  });
  test('several SignedInfo references', async () => {
    const before = await h.sessionCount();
    const res = await post('inera', attack.twoReferences((await ineraResponse()).SAMLResponse));
    await expectLoginRefused(h, res, ['STRUCTURE'], before);
  });
  test('comment inside DigestValue', async () => {
    const before = await h.sessionCount();
    const res = await post(
      'inera',
      attack.commentInDigestValue((await ineraResponse()).SAMLResponse),
    );
    await expectLoginRefused(h, res, ['UNSAFE_XML'], before);
  });
});

describe('SHA-1', () => {
  test('samlify signing with RSA-SHA1 and a SHA-1 digest', async () => {
    const keys = await generateSelfSignedCertificate('sha1 idp');
    const sha1 = new SamlifyIdp(
      'https://idp.sha1.test/saml',
      'https://idp.sha1.test/sso',
      keys.certificatePem,
      keys.privateKeyPem,
      { sha1: true },
    );
    await h.services.idps.create(
      {
        slug: 'sha1',
        displayName: 'SHA-1 IdP',
        entityId: sha1.entityId,
        ssoUrl: sha1.ssoUrl,
        signingCertificates: [keys.certificatePem],
        ruleSetId: h.ineraRuleSetId,
      },
      'test-admin',
    );
    const before = await h.sessionCount();
    const r = await sha1.respond({
      authorizeUrl: await h.startLogin('sha1'),
      spMetadata: await h.spMetadata('sha1'),
      acsUrl: spEndpoints(h.url, 'sha1').acsUrl,
      user: ineraNurse(),
    });
    expect(attack.decode(r.SAMLResponse)).toContain('xmldsig#rsa-sha1');
    await expectLoginRefused(h, await post('sha1', r.SAMLResponse), ['ALGORITHM'], before);
  });
  test('pysaml2 signing with RSA-SHA1 and a SHA-1 digest', async () => {
    const before = await h.sessionCount();
    const r = await h.signedResponse('kommun', municipalOfficer(), { sha1: true });
    expect(attack.decode(r.SAMLResponse)).toContain('xmldsig#sha1');
    await expectLoginRefused(h, await post('kommun', r.SAMLResponse), ['ALGORITHM'], before);
  });
});
