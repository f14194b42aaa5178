import { inflateRawSync } from 'node:zlib';
import type { Commission, Principal } from '../authz/principal.js';
import type { IdentityProvider, IdentitySession } from '../db/generated/prisma/client.js';
import { samlLogins } from '../metrics/registry.js';
import type { CareProviderDirectory } from './care-providers.js';
import type { IdentityEvents } from './events.js';
import type { IdentityProviders } from './idps.js';
import { type Attributes, storableAttributes } from './mapping/evaluate.js';
import { buildPrincipal, loaLevel, type PrincipalRefusal } from './principal-builder.js';
import type { ReplayStore } from './replay.js';
import type { RuleSets } from './rule-sets.js';
import { validateSamlResponse } from './saml/acs.js';
import { spMetadataXml } from './saml/metadata.js';
import { newMessageId, samlFor, spEndpoints } from './saml/service-provider.js';
import { MAX_MESSAGE_BYTES, type RejectionCode, SamlRejection } from './saml/xml.js';
import { RefreshRejected, type Sessions } from './sessions.js';
import type { SpKeySet, SpKeyStore } from './sp-keys.js';
import { sameCommission, type TokenService } from './tokens.js';

/**
 * The login flow end to end: SP-initiated login, the ACS, token refresh, commission
 * choice, logout and SLO. Each outcome is an identity event; a failed login becomes a
 * `LoginFailure` whose `plainMessage` is what the person reads.
 */

export interface GatewaySettings {
  publicUrl: string;
  acceptedPurposes: readonly string[];
  authnRequestSeconds: number;
}

const PLAIN: Record<RejectionCode, string> = {
  UNKNOWN_IDP: 'We do not know this login service. Start from Brygga’s login page.',
  IDP_DISABLED: 'Login through this service is switched off at the moment.',
  LEVEL_OF_ASSURANCE:
    'Your login was not strong enough for Brygga. Log in with your e-service card (SITHS) or another strong login method.',
  NO_ACCESS:
    'You are logged in, but your directory entry gives you no access to Brygga. Ask your identity administrator, and tell them the reference below.',
  AMBIGUOUS_ATTRIBUTE:
    'The login service sent contradictory information about you (for example two different units or identities), so Brygga cannot tell who you are or where you work. Ask your identity administrator, and tell them the reference below.',
  SUBJECT_MISMATCH:
    'The login service named two different people in one login. Brygga refused it. Ask your identity administrator, and tell them the reference below.',
  COMMISSION_PROVIDER_MISMATCH:
    'Your commission names a care provider that the unit does not belong to. Ask your identity administrator to correct your commission, and tell them the reference below.',
  STATUS: 'The login service could not log you in. Try again.',
  TIME_WINDOW: 'This login has expired or was already used. Start again from Brygga’s login page.',
  REPLAY: 'This login has expired or was already used. Start again from Brygga’s login page.',
  IN_RESPONSE_TO:
    'This login has expired or was already used. Start again from Brygga’s login page.',
  UNSOLICITED: 'Start your login from Brygga’s login page; this login service may not start it.',
  TOO_LARGE:
    'The login could not be checked. Start again; if it keeps happening, contact your IT support.',
  MALFORMED:
    'The login could not be checked. Start again; if it keeps happening, contact your IT support.',
  UNSAFE_XML:
    'The login could not be checked. Start again; if it keeps happening, contact your IT support.',
  STRUCTURE:
    'The login could not be checked. Start again; if it keeps happening, contact your IT support.',
  SIGNATURE:
    'The login could not be checked. Start again; if it keeps happening, contact your IT support.',
  ALGORITHM:
    'The login could not be checked. Start again; if it keeps happening, contact your IT support.',
  ISSUER:
    'The login could not be checked. Start again; if it keeps happening, contact your IT support.',
  DESTINATION:
    'The login could not be checked. Start again; if it keeps happening, contact your IT support.',
  RECIPIENT:
    'The login could not be checked. Start again; if it keeps happening, contact your IT support.',
  AUDIENCE:
    'The login could not be checked. Start again; if it keeps happening, contact your IT support.',
};

export class LoginFailure extends Error {
  constructor(
    readonly code: RejectionCode,
    readonly plainMessage: string,
    readonly reference: string,
    options?: { cause?: unknown },
    /**
     * Shown to the person for NO_ACCESS only: what their directory entry lacked, so the
     * identity admin learns it from them (their own attributes and the rules they missed).
     */
    readonly explanation: readonly string[] = [],
  ) {
    super(`login failed: ${code}`, options);
  }
}

/** A signed, valid assertion whose content the principal builder refused, with audit details. */
class PrincipalRejection extends SamlRejection {
  constructor(
    code: PrincipalRefusal,
    message: string,
    readonly details: Record<string, unknown>,
    explanation: readonly string[] = [],
  ) {
    super(code, message, { explanation });
  }
}

export class CommissionChoiceError extends Error {
  constructor(
    readonly code: 'SESSION_NOT_ACTIVE' | 'NO_SUCH_COMMISSION' | 'NO_ACCESS',
    message: string,
  ) {
    super(message);
  }
}

export interface IssuedToken {
  accessToken: string;
  expiresAt: Date;
  principal: Principal;
}

export class Gateway {
  constructor(
    private readonly deps: {
      idps: IdentityProviders;
      ruleSets: RuleSets;
      sessions: Sessions;
      replay: ReplayStore;
      spKeys: SpKeyStore;
      tokens: TokenService;
      events: IdentityEvents;
      careProviders: CareProviderDirectory;
      settings: GatewaySettings;
      now: () => Date;
      log: (entry: Record<string, unknown>) => void;
    },
  ) {}

  private async usableIdp(slug: string): Promise<IdentityProvider> {
    const idp = await this.deps.idps.bySlug(slug);
    if (!idp) throw new SamlRejection('UNKNOWN_IDP', `no IdP with slug ${slug}`);
    if (!idp.enabled) throw new SamlRejection('IDP_DISABLED', `IdP ${slug} is disabled`);
    return idp;
  }

  /** SP-initiated login: a signed AuthnRequest (HTTP-Redirect) whose ID we remember. */
  async startLogin(slug: string, returnTo: unknown, requestId: string | null): Promise<string> {
    const now = this.deps.now();
    try {
      const idp = await this.usableIdp(slug);
      const endpoints = spEndpoints(this.deps.settings.publicUrl, idp.slug);
      const keys = await this.deps.spKeys.current(now);
      const id = newMessageId();
      const saml = samlFor(idp, endpoints, keys, () => id);
      const relayState = safeReturnPath(returnTo);
      const url = await saml.getAuthorizeUrlAsync(relayState, undefined, {});
      await this.deps.replay.rememberRequest({
        id,
        idpId: idp.id,
        relayState,
        now,
        ttlSeconds: this.deps.settings.authnRequestSeconds,
      });
      return url;
    } catch (error) {
      throw await this.fail(error, { slug, idpId: null, requestId, stage: 'login' });
    }
  }

  /** The ACS: validates, maps, checks the level of assurance, opens a session. */
  async completeLogin(
    slug: string,
    body: Record<string, unknown>,
    requestId: string | null,
  ): Promise<{ cookie: string; redirectTo: string; principal: Principal }> {
    const now = this.deps.now();
    let idp: IdentityProvider | null = null;
    let subject: string | null = null;
    try {
      idp = await this.usableIdp(slug);
      const endpoints = spEndpoints(this.deps.settings.publicUrl, idp.slug);
      const keys = await this.deps.spKeys.current(now);
      const assertion = await validateSamlResponse({
        samlResponse: body.SAMLResponse,
        idp,
        endpoints,
        keys,
        replay: this.deps.replay,
        now,
      });
      subject = assertion.nameId;
      const { definition, version } = await this.deps.ruleSets.current(idp.ruleSetId);
      const attributes = storableAttributes(assertion.attributes);
      const outcome = await buildPrincipal({
        definition,
        attributes,
        repeatedAttributes: assertion.repeatedAttributes,
        nameId: assertion.nameId,
        acceptedPurposes: this.deps.settings.acceptedPurposes,
        directory: this.deps.careProviders,
        sessionId: '00000000-0000-0000-0000-000000000000',
        idpSlug: idp.slug,
        levelOfAssurance: null,
        acting: null,
      });
      const loa = outcome.mapping.levelOfAssurance ?? assertion.authnContextClassRef;
      const level = loaLevel(loa);
      if (level === null || level < idp.requiredLoa) {
        throw new SamlRejection(
          'LEVEL_OF_ASSURANCE',
          `level of assurance ${loa ?? '(none)'} is below loa${idp.requiredLoa}`,
        );
      }
      if (!outcome.ok) {
        subject = outcome.mapping.hsaId ?? subject;
        throw new PrincipalRejection(
          outcome.refusal,
          `rule set version ${version}: ${outcome.reasons.join('; ')}`,
          { ruleSetVersion: version, ...outcome.details },
          outcome.reasons,
        );
      }
      const hsaId = outcome.principal.hsaId;
      const { session, cookie } = await this.deps.sessions.create({
        idpId: idp.id,
        subject: hsaId,
        nameId: assertion.nameId,
        nameIdFormat: assertion.nameIdFormat,
        sessionIndex: assertion.sessionIndex,
        levelOfAssurance: loa,
        attributes,
        acting: outcome.principal.actingCommission,
        now,
      });
      await this.deps.events.record({
        type: 'LOGIN',
        outcome: 'SUCCESS',
        idpId: idp.id,
        subject: hsaId,
        actor: hsaId,
        sessionId: session.id,
        requestId,
        details: {
          roles: outcome.principal.roles,
          commissions: outcome.principal.commissions.map((c) => ({
            unit: c.unitHsaId,
            purpose: c.purpose,
          })),
          ruleSetVersion: version,
          matchedRules: outcome.mapping.rules.filter((r) => r.matched).map((r) => r.name),
          levelOfAssurance: loa,
          assertionId: assertion.assertionId,
        },
      });
      samlLogins.inc({ idp: idp.slug, outcome: 'success' });
      return {
        cookie,
        redirectTo: safeReturnPath(assertion.relayState ?? body.RelayState),
        principal: { ...outcome.principal, sessionId: session.id, levelOfAssurance: loa },
      };
    } catch (error) {
      const failure = await this.fail(error, {
        slug,
        idpId: idp?.id ?? null,
        subject,
        requestId,
        stage: 'acs',
      });
      // The slug of a registered IdP only: the URL's is whatever a client sent.
      samlLogins.inc({ idp: idp?.slug ?? 'unknown', outcome: failure.code });
      throw failure;
    }
  }

  /** A login refused before it reached the gateway (e.g. the request body was too large). */
  async refuse(
    slug: string,
    code: RejectionCode,
    detail: string,
    requestId: string | null,
  ): Promise<LoginFailure> {
    const idp = await this.deps.idps.bySlug(slug).catch(() => null);
    const failure = await this.fail(new SamlRejection(code, detail), {
      slug,
      idpId: idp?.id ?? null,
      requestId,
      stage: 'acs',
    });
    samlLogins.inc({ idp: idp?.slug ?? 'unknown', outcome: failure.code });
    return failure;
  }

  private async fail(
    error: unknown,
    context: {
      slug: string;
      idpId: string | null;
      subject?: string | null;
      requestId: string | null;
      stage: string;
    },
  ): Promise<LoginFailure> {
    const rejection =
      error instanceof SamlRejection
        ? error
        : new SamlRejection('MALFORMED', (error as Error)?.message ?? String(error), {
            cause: error,
          });
    const reference = context.requestId ?? newMessageId().slice(1, 13);
    this.deps.log({
      msg: 'login refused',
      stage: context.stage,
      idp: context.slug,
      code: rejection.code,
      detail: rejection.message,
      reference,
    });
    await this.deps.events
      .record({
        type: 'LOGIN',
        outcome: 'FAILURE',
        idpId: context.idpId,
        subject: context.subject ?? null,
        reason: rejection.code,
        requestId: context.requestId,
        details: {
          stage: context.stage,
          idp: context.slug,
          detail: rejection.message.slice(0, 1000),
          ...(rejection instanceof PrincipalRejection ? rejection.details : {}),
        },
      })
      .catch((auditError: unknown) =>
        this.deps.log({ msg: 'identity event not written', error: String(auditError) }),
      );
    return new LoginFailure(
      rejection.code,
      PLAIN[rejection.code],
      reference,
      { cause: rejection },
      rejection.code === 'NO_ACCESS' ? rejection.explanation : [],
    );
  }

  /** A principal and access token for a live session, with roles derived afresh. */
  async issueForSession(session: IdentitySession, now: Date): Promise<IssuedToken> {
    const idp = await this.deps.idps.require(session.idpId);
    const { definition } = await this.deps.ruleSets.current(idp.ruleSetId);
    const outcome = await buildPrincipal({
      definition,
      attributes: session.attributes as Attributes,
      nameId: session.nameId,
      acceptedPurposes: this.deps.settings.acceptedPurposes,
      directory: this.deps.careProviders,
      sessionId: session.id,
      idpSlug: idp.slug,
      levelOfAssurance: session.levelOfAssurance,
      acting: (session.actingCommission as Commission | null) ?? null,
    });
    if (!outcome.ok || !idp.enabled) {
      throw new CommissionChoiceError(
        'NO_ACCESS',
        outcome.ok ? 'the IdP is disabled' : `${outcome.refusal}: ${outcome.reasons.join('; ')}`,
      );
    }
    const { token, expiresAt } = await this.deps.tokens.issueAccessToken(outcome.principal, now);
    return { accessToken: token, expiresAt, principal: outcome.principal };
  }

  /** POST /auth/refresh: rotates the cookie and issues an access token. */
  async refresh(
    cookieValue: unknown,
    requestId: string | null,
  ): Promise<IssuedToken & { cookie: string }> {
    const now = this.deps.now();
    const { session, cookie } = await this.deps.sessions.rotate(cookieValue, now);
    try {
      const issued = await this.issueForSession(session, now);
      await this.deps.events.record({
        type: 'TOKEN_REFRESH',
        outcome: 'SUCCESS',
        idpId: session.idpId,
        subject: session.subject,
        actor: session.subject,
        sessionId: session.id,
        requestId,
        details: { roles: issued.principal.roles },
      });
      return { ...issued, cookie };
    } catch (error) {
      await this.deps.events.record({
        type: 'TOKEN_REFRESH',
        outcome: 'FAILURE',
        idpId: session.idpId,
        subject: session.subject,
        sessionId: session.id,
        requestId,
        reason: (error as Error).message.slice(0, 500),
      });
      throw new RefreshRejected((error as Error).message);
    }
  }

  /** The commission choice: only commissions the current rules grant (accepted purposes). */
  async chooseCommission(
    principal: Principal,
    choice: { unitHsaId: string; purpose: string; commissionHsaId?: string | null },
    requestId: string | null,
  ): Promise<IssuedToken> {
    const now = this.deps.now();
    const session = await this.deps.sessions.get(principal.sessionId);
    if (!session || session.revokedAt || session.expiresAt <= now) {
      throw new CommissionChoiceError('SESSION_NOT_ACTIVE', 'the session has ended; log in again');
    }
    const current = await this.issueForSession({ ...session, actingCommission: null }, now);
    const commission = current.principal.commissions.find(
      (c) =>
        c.unitHsaId === choice.unitHsaId &&
        c.purpose === choice.purpose &&
        (choice.commissionHsaId == null || c.hsaId === choice.commissionHsaId),
    );
    if (!commission) {
      throw new CommissionChoiceError(
        'NO_SUCH_COMMISSION',
        'you have no commission for that unit with an accepted purpose',
      );
    }
    await this.deps.sessions.setActing(session.id, commission);
    const issued = await this.issueForSession(
      { ...session, actingCommission: commission as unknown as object },
      now,
    );
    if (
      !issued.principal.actingCommission ||
      !sameCommission(issued.principal.actingCommission, commission)
    ) {
      throw new CommissionChoiceError('NO_SUCH_COMMISSION', 'the commission could not be chosen');
    }
    await this.deps.events.record({
      type: 'COMMISSION_CHOSEN',
      outcome: 'SUCCESS',
      idpId: session.idpId,
      subject: session.subject,
      actor: session.subject,
      sessionId: session.id,
      requestId,
      details: {
        unit: commission.unitHsaId,
        purpose: commission.purpose,
        commission: commission.hsaId,
      },
    });
    return issued;
  }

  /** Local logout, and the IdP's SLO URL (signed LogoutRequest) when it has one. */
  async logout(cookieValue: unknown, requestId: string | null): Promise<{ redirectTo: string }> {
    const now = this.deps.now();
    const parsed = typeof cookieValue === 'string' ? cookieValue.split('.')[0] : undefined;
    const session = parsed ? await this.deps.sessions.get(parsed) : null;
    if (!session) return { redirectTo: '/' };
    // The cookie must be the session's current one: a stale copy cannot end someone's session.
    try {
      await this.deps.sessions.rotate(cookieValue, now);
    } catch {
      return { redirectTo: '/' };
    }
    await this.deps.sessions.revoke(session.id, session.subject, 'logout', now);
    await this.deps.events.record({
      type: 'LOGOUT',
      outcome: 'SUCCESS',
      idpId: session.idpId,
      subject: session.subject,
      actor: session.subject,
      sessionId: session.id,
      requestId,
    });
    const idp = await this.deps.idps.require(session.idpId);
    if (!idp.sloUrl) return { redirectTo: '/' };
    const keys = await this.deps.spKeys.current(now);
    const saml = samlFor(idp, spEndpoints(this.deps.settings.publicUrl, idp.slug), keys);
    const url = await saml.getLogoutUrlAsync(
      {
        issuer: idp.entityId,
        nameID: session.nameId,
        nameIDFormat:
          session.nameIdFormat ?? 'urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified',
        ...(session.sessionIndex ? { sessionIndex: session.sessionIndex } : {}),
      },
      '/',
      {},
    );
    return { redirectTo: url };
  }

  /**
   * The SLO endpoint: an IdP's signed LogoutRequest ends the matching sessions and is
   * answered with a LogoutResponse; a LogoutResponse to our request just returns home.
   */
  async singleLogout(
    slug: string,
    input: {
      query?: Record<string, unknown>;
      originalQuery?: string;
      body?: Record<string, unknown>;
    },
    requestId: string | null,
  ): Promise<{ redirectTo: string }> {
    const now = this.deps.now();
    const idp = await this.usableIdp(slug);
    const keys: SpKeySet = await this.deps.spKeys.current(now);
    const saml = samlFor(idp, spEndpoints(this.deps.settings.publicUrl, idp.slug), keys);
    let result: Awaited<ReturnType<typeof saml.validateRedirectAsync>>;
    if (input.body && (input.body.SAMLRequest || input.body.SAMLResponse)) {
      for (const key of ['SAMLRequest', 'SAMLResponse'] as const) {
        const value = input.body[key];
        if (typeof value === 'string' && value.length > (MAX_MESSAGE_BYTES * 4) / 3) {
          throw new SamlRejection('TOO_LARGE', 'logout message too large');
        }
      }
      result = input.body.SAMLRequest
        ? await saml.validatePostRequestAsync(input.body as Record<string, string>)
        : await saml.validatePostResponseAsync(input.body as Record<string, string>);
    } else {
      const query = (input.query ?? {}) as Record<string, string>;
      const message = query.SAMLRequest ?? query.SAMLResponse;
      if (typeof message !== 'string' || typeof query.Signature !== 'string') {
        throw new SamlRejection('SIGNATURE', 'an unsigned logout message');
      }
      assertInflatesSafely(message);
      result = await saml.validateRedirectAsync(query, input.originalQuery ?? '');
    }
    if (result.loggedOut && result.profile) {
      const ended = await this.deps.sessions.revokeByNameId({
        idpId: idp.id,
        nameId: result.profile.nameID,
        sessionIndex: (result.profile.sessionIndex as string | undefined) ?? null,
        now,
        reason: 'single logout from the IdP',
      });
      for (const s of ended) {
        await this.deps.events.record({
          type: 'LOGOUT',
          outcome: 'SUCCESS',
          idpId: idp.id,
          subject: s.subject,
          actor: 'idp',
          sessionId: s.id,
          requestId,
          details: { via: 'SLO' },
        });
      }
      const url = await saml.getLogoutResponseUrlAsync(result.profile, '', {}, true);
      return { redirectTo: url };
    }
    return { redirectTo: '/' };
  }

  async spMetadata(slug: string): Promise<string> {
    const idp = await this.usableIdp(slug);
    const keys = await this.deps.spKeys.current(this.deps.now());
    return spMetadataXml(spEndpoints(this.deps.settings.publicUrl, idp.slug), keys);
  }
}

/** Where to go after login: a path on our own site only (no open redirect). */
export function safeReturnPath(value: unknown): string {
  if (typeof value !== 'string' || value.length > 500) return '/';
  if (!value.startsWith('/') || value.startsWith('//') || value.includes('\\')) return '/';
  return /^[\x21-\x7e]*$/.test(value) ? value : '/';
}

/** A deflated Redirect-binding message must inflate to at most MAX_MESSAGE_BYTES. */
function assertInflatesSafely(base64: string): void {
  if (base64.length > MAX_MESSAGE_BYTES)
    throw new SamlRejection('TOO_LARGE', 'logout message too large');
  try {
    inflateRawSync(Buffer.from(base64, 'base64'), { maxOutputLength: MAX_MESSAGE_BYTES });
  } catch (error) {
    throw new SamlRejection('TOO_LARGE', 'logout message inflates beyond the limit', {
      cause: error,
    });
  }
}
