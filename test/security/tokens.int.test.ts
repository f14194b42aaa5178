import { createHmac, randomUUID } from 'node:crypto';
import { exportSPKI, generateKeyPair, importJWK, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type Harness, startHarness } from '../support/idp/harness.js';
import { ineraNurse } from '../support/idp/users.js';

/**
 * Token attacks from SECURITY.md ("Tokens (jose)") and session revocation, through HTTP:
 * /test/whoami answers with what `services.identity.authenticate` (the GraphQL context's
 * call) makes of the Authorization header.
 */

let h: Harness;
let token: string;
beforeAll(async () => {
  h = await startHarness();
  ({ accessToken: token } = await h.login('inera', ineraNurse()));
});
afterAll(async () => h?.close());

function b64url(value: unknown): string {
  return Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString(
    'base64url',
  );
}
function claimsOf(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString()) as Record<
    string,
    unknown
  >;
}
async function refused(jwt: string, reason?: RegExp): Promise<void> {
  const res = await h.whoami(jwt);
  expect(res.status).toBe(401);
  const body = (await res.json()) as { error: string; reason?: string };
  expect(body.error).toBe('INVALID_TOKEN');
  if (reason) expect(body.reason).toMatch(reason);
}
/** Signs arbitrary claims with the gateway's real active key (a confused or compromised issuer). */
async function forge(
  header: Record<string, unknown>,
  claims: Record<string, unknown>,
): Promise<string> {
  const key = await h.services.keys.activeSigningKey(new Date(Date.now() + h.clock.offsetMs));
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'ES256', kid: key.kid, ...header })
    .sign(key.privateKey);
}

test('control: a fresh token is accepted with the roles of the login', async () => {
  const res = await h.whoami(token);
  expect(res.status).toBe(200);
  const principal = (await res.json()) as { hsaId: string; roles: string[] };
  expect(principal.hsaId).toBe('SE2321000016-N001');
  expect(principal.roles).toEqual(['WARD_STAFF']);
});

describe('algorithm and key', () => {
  test('alg none', async () => {
    const claims = claimsOf(token);
    await refused(`${b64url({ alg: 'none', typ: 'at+jwt' })}.${b64url(claims)}.`);
  });
  test('HS256 signed with the public key (JWK JSON and PEM)', async () => {
    const jwks = (await (await fetch(`${h.url}/.well-known/jwks.json`)).json()) as {
      keys: Record<string, unknown>[];
    };
    const jwk = jwks.keys[0]!;
    const pem = await exportSPKI((await importJWK(jwk, 'ES256')) as CryptoKey);
    for (const secret of [JSON.stringify(jwk), pem]) {
      const header = b64url({ alg: 'HS256', typ: 'at+jwt', kid: jwk.kid });
      const payload = b64url(claimsOf(token));
      const signature = createHmac('sha256', secret)
        .update(`${header}.${payload}`)
        .digest('base64url');
      await refused(`${header}.${payload}.${signature}`, /algorithm/);
    }
  });
  test('unknown kid', async () => {
    const { privateKey } = await generateKeyPair('ES256');
    const jwt = await new SignJWT(claimsOf(token))
      .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: 'not-ours' })
      .sign(privateKey);
    await refused(jwt, /unknown signing key/);
  });
  test('a known kid but another key', async () => {
    const { privateKey } = await generateKeyPair('ES256');
    const kid = (
      JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString()) as { kid: string }
    ).kid;
    const jwt = await new SignJWT(claimsOf(token))
      .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid })
      .sign(privateKey);
    await refused(jwt, /signature/);
  });
  test('a token with its payload changed', async () => {
    const [header, , signature] = token.split('.');
    const claims = { ...claimsOf(token), roles: ['SECURITY_OFFICER', 'IDENTITY_ADMIN'] };
    await refused(`${header}.${b64url(claims)}.${signature}`, /signature/);
  });
});

describe('claims', () => {
  const now = () => Math.floor((Date.now() + h.clock.offsetMs) / 1000);
  const base = () => ({
    ...claimsOf(token),
    jti: randomUUID(),
    iat: now(),
    nbf: now(),
    exp: now() + 300,
  });
  test('wrong audience', async () => {
    await refused(
      await forge({ typ: 'at+jwt' }, { ...base(), aud: 'https://other-api.test' }),
      /aud/,
    );
  });
  test('wrong issuer', async () => {
    await refused(await forge({ typ: 'at+jwt' }, { ...base(), iss: 'https://evil.test' }), /iss/);
  });
  test('wrong typ (an ID token or a plain JWT)', async () => {
    await refused(await forge({ typ: 'JWT' }, base()), /typ/);
  });
  for (const claim of ['jti', 'sub', 'iat', 'exp', 'sid']) {
    test(`missing ${claim}`, async () => {
      const claims: Record<string, unknown> = base();
      delete claims[claim];
      await refused(await forge({ typ: 'at+jwt' }, claims));
    });
  }
  test('not yet valid (beyond the 30 s tolerance)', async () => {
    await refused(
      await forge(
        { typ: 'at+jwt' },
        { ...base(), iat: now() + 120, nbf: now() + 120, exp: now() + 420 },
      ),
    );
  });
  test('expired', async () => {
    await refused(
      await forge(
        { typ: 'at+jwt' },
        { ...base(), iat: now() - 400, nbf: now() - 400, exp: now() - 60 },
      ),
      /expired|exp/,
    );
  });
  test('the real token once its lifetime (300 s) plus tolerance has passed', async () => {
    h.clock.offsetMs = 340_000;
    try {
      await refused(token, /expired|exp/);
    } finally {
      h.clock.offsetMs = 0;
    }
  });
});

describe('key rotation', () => {
  const kidOf = (jwt: string) =>
    (JSON.parse(Buffer.from(jwt.split('.')[0]!, 'base64url').toString()) as { kid: string }).kid;
  const jwks = async () =>
    (
      (await (await fetch(`${h.url}/.well-known/jwks.json`)).json()) as { keys: { kid: string }[] }
    ).keys.map((k) => k.kid);
  const refreshToken = async (cookie: string) => {
    const res = await h.refresh(cookie);
    expect(res.status).toBe(200);
    const cookieHeader = res.headers
      .getSetCookie()
      .find((c) => c.startsWith('brygga_session='))!
      .split(';')[0]!;
    return {
      cookie: cookieHeader,
      accessToken: ((await res.json()) as { accessToken: string }).accessToken,
    };
  };

  test('a new key is published before it signs, and the old one is kept until its tokens expire', async () => {
    const session = await h.login('inera', ineraNurse());
    const oldKey = await h.services.keys.activeSigningKey(new Date());
    const newKid = await h.services.keys.rotate(new Date(), 'test-admin');
    try {
      expect(await jwks()).toEqual(expect.arrayContaining([oldKey.kid, newKid]));
      const a = await refreshToken(session.cookie);
      expect(kidOf(a.accessToken)).toBe(oldKey.kid);

      // Just before the publish lead (900 s) ends, the old key still signs.
      h.clock.offsetMs = 899_000;
      const b = await refreshToken(a.cookie);
      expect(kidOf(b.accessToken)).toBe(oldKey.kid);

      // After it, the new key signs, and the old key's last token still verifies.
      h.clock.offsetMs = 1_000_000;
      const c = await refreshToken(b.cookie);
      expect(kidOf(c.accessToken)).toBe(newKid);
      expect((await h.whoami(b.accessToken)).status).toBe(200);
      expect(await jwks()).toEqual(expect.arrayContaining([oldKey.kid, newKid]));

      // Once every token of the old key has expired, the key is retired: it leaves the JWKS
      // and anything it signs (a leaked key, fresh claims) is refused.
      h.clock.offsetMs = 1_301_000;
      expect(await jwks()).not.toContain(oldKey.kid);
      const at = Math.floor((Date.now() + h.clock.offsetMs) / 1000);
      const leaked = await new SignJWT({
        ...claimsOf(c.accessToken),
        jti: randomUUID(),
        iat: at,
        nbf: at,
        exp: at + 300,
      })
        .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: oldKey.kid })
        .sign(oldKey.privateKey);
      await refused(leaked, /unknown signing key/);
    } finally {
      h.clock.offsetMs = 0;
    }
  });
});

describe('a token accepted before', () => {
  // The verifier remembers accepted tokens (src/identity/verified-tokens.ts); each of these
  // uses the token first, so a remembered answer is there to be wrongly given.
  test('is refused once its key is withdrawn from the table, when the key store reloads (10 s)', async () => {
    const session = await h.login('inera', ineraNurse());
    expect((await h.whoami(session.accessToken)).status).toBe(200);
    const kid = (
      JSON.parse(Buffer.from(session.accessToken.split('.')[0]!, 'base64url').toString()) as {
        kid: string;
      }
    ).kid;
    // An operator withdraws a key they believe leaked.
    const { rows } = await h.owner.query<{ retires_at: Date | null }>(
      'SELECT retires_at FROM identity_signing_key WHERE kid = $1',
      [kid],
    );
    await h.owner.query('UPDATE identity_signing_key SET retires_at = now() WHERE kid = $1', [kid]);
    try {
      h.clock.offsetMs = 11_000;
      await refused(session.accessToken, /unknown signing key/);
    } finally {
      await h.owner.query('UPDATE identity_signing_key SET retires_at = $2 WHERE kid = $1', [
        kid,
        rows[0]!.retires_at,
      ]);
      h.clock.offsetMs = 0;
      h.services.keys.invalidate();
    }
  });
  test('is refused with a changed signature, and one byte changed anywhere', async () => {
    const session = await h.login('inera', ineraNurse());
    expect((await h.whoami(session.accessToken)).status).toBe(200);
    const [header, payload, signature] = session.accessToken.split('.') as [string, string, string];
    const flipped = (part: string) =>
      `${part.slice(0, 10)}${part[10] === 'A' ? 'B' : 'A'}${part.slice(11)}`;
    await refused(`${header}.${payload}.${flipped(signature)}`);
    await refused(`${header}.${flipped(payload)}.${signature}`);
    await refused(`${flipped(header)}.${payload}.${signature}`);
    expect((await h.whoami(session.accessToken)).status).toBe(200);
  });
  test('gives every request the same principal, which nothing can change', async () => {
    const session = await h.login('inera', ineraNurse());
    const first = await h.services.authenticate(`Bearer ${session.accessToken}`);
    expect(first?.roles).toEqual(['WARD_STAFF']);
    expect(() => (first!.roles as string[]).push('SECURITY_OFFICER')).toThrow(TypeError);
    expect(() => {
      (first!.commissions[0] as { unitHsaId: string }).unitHsaId = 'SE0000000000-EVIL';
    }).toThrow(TypeError);
    const second = await h.services.authenticate(`Bearer ${session.accessToken}`);
    expect(second?.roles).toEqual(['WARD_STAFF']);
    expect(second?.commissions).toEqual(first?.commissions);
  });
});

describe('sessions', () => {
  // Secure follows PUBLIC_URL: plain http here (loopback, tests); the https case is in
  // test/integration/identity/demo-idp.int.test.ts.
  test('the refresh cookie is HttpOnly, SameSite=Strict, scoped to /auth; not Secure on http loopback', async () => {
    const r = await h.signedResponse('inera', ineraNurse());
    const acs = await h.postAcs('inera', { SAMLResponse: r.SAMLResponse });
    const setCookie = acs.headers.getSetCookie().find((c) => c.startsWith('brygga_session='))!;
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).not.toMatch(/Secure/i);
    expect(setCookie).toMatch(/SameSite=Strict/i);
    expect(setCookie).toMatch(/Path=\/auth/);
  });
  test('refresh needs a JSON request (no cross-site form)', async () => {
    const session = await h.login('inera', ineraNurse());
    const res = await fetch(`${h.url}/auth/refresh`, {
      method: 'POST',
      headers: { cookie: session.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'a=b',
    });
    expect(res.status).toBe(415);
  });
  test('logout revokes the session: its access token stops working at once', async () => {
    const session = await h.login('inera', ineraNurse());
    expect((await h.whoami(session.accessToken)).status).toBe(200);
    const res = await fetch(`${h.url}/auth/logout`, {
      method: 'POST',
      headers: { cookie: session.cookie },
      redirect: 'manual',
    });
    expect(res.status).toBe(303);
    await refused(session.accessToken, /session ended/);
    expect((await h.refresh(session.cookie)).status).toBe(401);
  });
  test('an admin revokes a session', async () => {
    const session = await h.login('inera', ineraNurse());
    const sid = claimsOf(session.accessToken).sid as string;
    await h.services.sessions.revoke(sid, 'SE2321000016-ADM1', 'lost card', new Date());
    await refused(session.accessToken, /session ended/);
    expect((await h.refresh(session.cookie)).status).toBe(401);
  });
  test('a refresh cookie used twice revokes the session (it was copied)', async () => {
    const first = await h.login('inera', ineraNurse());
    const oldCookie = first.cookie;
    const rotated = await h.refresh(oldCookie);
    expect(rotated.status).toBe(200);
    const { accessToken } = (await rotated.json()) as { accessToken: string };
    expect((await h.refresh(oldCookie)).status).toBe(401);
    await refused(accessToken, /session ended/);
  });
  test('no Authorization header is anonymous; a malformed one is refused', async () => {
    expect((await h.whoami(null)).status).toBe(401);
    const res = await fetch(`${h.url}/test/whoami`, {
      headers: { authorization: `Basic ${token}` },
    });
    expect(((await res.json()) as { error: string }).error).toBe('INVALID_TOKEN');
  });
});
