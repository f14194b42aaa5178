import { randomUUID } from 'node:crypto';
import { type JWTPayload, errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import type { Commission, Principal } from '../authz/principal.js';
import { isRole } from '../authz/roles.js';
import type { KeyStore } from './key-store.js';
import { VerifiedTokens } from './verified-tokens.js';

/**
 * Access tokens: short-lived JWTs signed with an asymmetric key (ES256), verified on
 * every request (an accepted token's answer is remembered: verified-tokens.ts). The
 * algorithm list is pinned, `typ` is explicit so an ID token or a refresh artefact cannot
 * be replayed as an access token, and iss/aud/sub/jti/iat/exp are all required.
 */

export const ACCESS_TOKEN_TYPE = 'at+jwt';
export const TOKEN_ALGORITHMS = ['ES256'] as const;
export const CLOCK_TOLERANCE_SECONDS = 30;

export interface TokenSettings {
  issuer: string;
  audience: string;
  accessTokenSeconds: number;
}

interface AccessClaims extends JWTPayload {
  sid: string;
  name: string;
  idp: string;
  loa: string | null;
  roles: string[];
  cmn: Commission[];
  /** Index into `cmn` of the acting commission, or null before one is chosen. */
  act: number | null;
}

export class InvalidTokenError extends Error {
  constructor(
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`invalid access token: ${reason}`, options);
  }
}

export class TokenService {
  private readonly verified = new VerifiedTokens();

  constructor(
    private readonly keys: KeyStore,
    private readonly settings: TokenSettings,
  ) {}

  async issueAccessToken(
    principal: Principal,
    now = new Date(),
  ): Promise<{ token: string; expiresAt: Date }> {
    const key = await this.keys.activeSigningKey(now);
    const iat = Math.floor(now.getTime() / 1000);
    const exp = iat + this.settings.accessTokenSeconds;
    const acting = principal.actingCommission
      ? principal.commissions.findIndex((c) => sameCommission(c, principal.actingCommission!))
      : -1;
    const claims: AccessClaims = {
      sid: principal.sessionId,
      name: principal.name,
      idp: principal.idpId,
      loa: principal.levelOfAssurance,
      roles: principal.roles,
      cmn: principal.commissions,
      act: acting >= 0 ? acting : null,
    };
    const token = await new SignJWT(claims)
      .setProtectedHeader({ alg: key.algorithm, kid: key.kid, typ: ACCESS_TOKEN_TYPE })
      .setIssuer(this.settings.issuer)
      .setAudience(this.settings.audience)
      .setSubject(principal.hsaId)
      .setJti(randomUUID())
      .setIssuedAt(iat)
      .setNotBefore(iat)
      .setExpirationTime(exp)
      .sign(key.privateKey);
    return { token, expiresAt: new Date(exp * 1000) };
  }

  /** Verifies signature, algorithm, type and claims; returns the principal or throws. */
  async verifyAccessToken(
    token: string,
    now = new Date(),
  ): Promise<Principal & { tokenId: string }> {
    let payload: AccessClaims;
    await this.keys.refresh(now);
    const keySet = this.keys.verificationKeySet();
    const known = this.verified.get(token, keySet, now);
    if (known) return known;
    const maxTokenAge = this.settings.accessTokenSeconds + CLOCK_TOLERANCE_SECONDS;
    try {
      const result = await jwtVerify<AccessClaims>(token, keySet, {
        algorithms: [...TOKEN_ALGORITHMS],
        issuer: this.settings.issuer,
        audience: this.settings.audience,
        typ: ACCESS_TOKEN_TYPE,
        requiredClaims: ['iss', 'aud', 'sub', 'jti', 'iat', 'exp', 'sid'],
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        currentDate: now,
        maxTokenAge,
      });
      payload = result.payload;
    } catch (error) {
      throw new InvalidTokenError(describeJoseError(error), { cause: error });
    }
    if (!Array.isArray(payload.roles) || !Array.isArray(payload.cmn)) {
      throw new InvalidTokenError('malformed claims');
    }
    const commissions = payload.cmn;
    const principal = {
      hsaId: payload.sub!,
      name: payload.name,
      sessionId: payload.sid,
      idpId: payload.idp,
      levelOfAssurance: payload.loa,
      roles: payload.roles.filter(isRole),
      commissions,
      actingCommission: payload.act === null ? null : (commissions[payload.act] ?? null),
      tokenId: payload.jti!,
    };
    // Required claims, checked above: until the earlier of expiry and maximum age.
    const until = Math.min(payload.exp!, payload.iat! + maxTokenAge) * 1000;
    return this.verified.remember(token, keySet, principal, now, until);
  }
}

export function sameCommission(a: Commission, b: Commission): boolean {
  return a.hsaId === b.hsaId && a.unitHsaId === b.unitHsaId && a.purpose === b.purpose;
}

function describeJoseError(error: unknown): string {
  if (error instanceof joseErrors.JWTExpired) return 'expired';
  if (error instanceof joseErrors.JWTClaimValidationFailed)
    return `claim ${error.claim} ${error.reason}`;
  if (error instanceof joseErrors.JOSEAlgNotAllowed) return 'algorithm not allowed';
  if (error instanceof joseErrors.JWKSNoMatchingKey) return 'unknown signing key';
  if (error instanceof joseErrors.JWSSignatureVerificationFailed)
    return 'signature does not verify';
  if (error instanceof joseErrors.JWTInvalid || error instanceof joseErrors.JWSInvalid)
    return 'malformed token';
  return 'verification failed';
}
