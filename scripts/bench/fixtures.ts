import { randomUUID } from 'node:crypto';
import { encodeGlobalID } from '@pothos/plugin-relay';
import type pg from 'pg';
import type { Principal } from '../../src/authz/principal.js';
import type { Role } from '../../src/authz/roles.js';
import { connectDatabase, type Database } from '../../src/db/client.js';
import { generateSelfSignedCertificate } from '../../src/identity/certificates.js';
import { createIdentityServices, type IdentityServices } from '../../src/identity/index.js';
import { spMetadataXml } from '../../src/identity/saml/metadata.js';
import { spEndpoints } from '../../src/identity/saml/service-provider.js';
import { INERA_RULES } from '../../test/support/idp/harness.js';
import { SamlifyIdp } from '../../test/support/idp/samlify-idp.js';
import { openTestSession } from '../../test/support/idp/test-sessions.js';
import { ineraNurse } from '../../test/support/idp/users.js';
import { principalFor } from '../../test/support/server.js';

/**
 * What the scenarios act on, chosen from the seeded region, and the credentials to act
 * with. Tokens are minted by the identity services on the same database and key
 * encryption key as the API under test, behind a live session, exactly as the API's own
 * tests do (test/support); the login scenario instead goes through SAML for real.
 */

export interface Fixtures {
  /** The social-services unit with the most current cases: its list is (a). */
  listUnit: { id: string; hsaId: string };
  /** Cases of that unit for (b), the detailed ones first (closed, with care plans). */
  detailCases: string[];
  /** PLANNING cases (ready notice not sent) with their ward, for (c). */
  planningCases: { id: string; wardHsaId: string }[];
  /** Patients with accesses in the region's log over the last twelve months, for (d). */
  logPatients: string[];
  regionUnitHsaId: string;
}

export async function chooseFixtures(owner: pg.Client): Promise<Fixtures> {
  const { rows: units } = await owner.query<{ id: string; hsa_id: string }>(
    `SELECT u.id, u.hsa_id FROM unit u JOIN case_party p ON p.unit_id = u.id AND p.left_at IS NULL
     WHERE u.kind = 'MUNICIPAL_SOCIAL_SERVICES' GROUP BY u.id ORDER BY count(*) DESC, u.hsa_id LIMIT 1`,
  );
  if (!units[0]) throw new Error('the database has no cases: run npm run seed:scale first');
  const listUnit = { id: units[0].id, hsaId: units[0].hsa_id };
  const { rows: detail } = await owner.query<{ id: string }>(
    `SELECT c.id FROM "case" c JOIN case_party p ON p.case_id = c.id AND p.left_at IS NULL
     WHERE p.unit_id = $1 AND c.status = 'CLOSED' AND c.close_reason = 'DISCHARGED'
       AND c.consent = 'GIVEN' AND EXISTS (SELECT 1 FROM note n WHERE n.case_id = c.id)
     ORDER BY c.reference DESC LIMIT 200`,
    [listUnit.id],
  );
  const { rows: planning } = await owner.query<{ id: string; ward: string }>(
    `SELECT c.id, u.hsa_id AS ward FROM "case" c
     JOIN case_party p ON p.case_id = c.id AND p.role = 'WARD' AND p.left_at IS NULL
     JOIN unit u ON u.id = p.unit_id
     WHERE c.status = 'PLANNING' ORDER BY c.reference`,
  );
  const { rows: region } = await owner.query<{ hsa_id: string }>(
    `SELECT u.hsa_id FROM unit u WHERE u.kind = 'WARD_SOMATIC' ORDER BY u.hsa_id LIMIT 1`,
  );
  const regionUnitHsaId = region[0]!.hsa_id;
  // Patients of cases at the region's wards admitted in the last year of the data.
  const { rows: patients } = await owner.query<{ patient_id: string }>(
    `SELECT c.patient_id FROM "case" c
     WHERE c.admitted_at > (SELECT max(admitted_at) FROM "case") - interval '300 days'
     ORDER BY md5(c.id::text) LIMIT 200`,
  );
  return {
    listUnit,
    detailCases: detail.map((r) => r.id),
    planningCases: planning.map((r) => ({ id: r.id, wardHsaId: r.ward })),
    logPatients: patients.map((r) => r.patient_id),
    regionUnitHsaId,
  };
}

export const caseGlobalId = (id: string) => encodeGlobalID('Case', id);

export interface IdentityEnv {
  PUBLIC_URL: string;
  IDENTITY_KEY_ENCRYPTION_KEY: string;
  IDENTITY_ACCESS_TOKEN_SECONDS: string;
}

/** The identity services of the API under test, reached through its database. */
export async function connectIdentity(
  databaseUrl: string,
  env: IdentityEnv,
): Promise<{ db: Database; identity: IdentityServices }> {
  const db = connectDatabase(databaseUrl, { appRole: 'brygga_app', poolSize: 4 });
  const identity = await createIdentityServices({
    prisma: db.prisma,
    pool: db.pool,
    config: {
      NODE_ENV: 'production',
      PUBLIC_URL: env.PUBLIC_URL,
      IDENTITY_KEY_ENCRYPTION_KEY: env.IDENTITY_KEY_ENCRYPTION_KEY,
      IDENTITY_ACCESS_TOKEN_SECONDS: Number(env.IDENTITY_ACCESS_TOKEN_SECONDS),
    },
    log: () => undefined,
  });
  return { db, identity };
}

/** A bearer token for a staff member acting in `unitHsaId` with `roles`. */
export async function tokenFor(
  services: { db: Database; identity: IdentityServices },
  unitHsaId: string,
  roles: Role[],
): Promise<string> {
  const principal: Principal = {
    ...principalFor(unitHsaId, roles, 'Bench'),
    sessionId: randomUUID(),
  };
  await openTestSession(services.identity, services.db.prisma, principal);
  return (await services.identity.tokens.issueAccessToken(principal)).token;
}

/**
 * Login bodies for the ACS (SAMLResponse and RelayState, form-encoded), one per login, for a
 * bench IdP registered with the Inera rules. Responses are prepared before the run:
 * signing them is the IdP's work, not ours.
 */
export async function prepareLogins(
  services: { db: Database; identity: IdentityServices },
  publicUrl: string,
  count: number,
): Promise<string[]> {
  const responses = await signedLoginResponses(
    services.identity,
    services.db.prisma,
    publicUrl,
    count,
  );
  return responses.map((SAMLResponse) =>
    new URLSearchParams({ SAMLResponse, RelayState: '/' }).toString(),
  );
}

/**
 * `count` SAML responses signed by a samlify IdP registered (or re-keyed) as the "bench"
 * IdP with the Inera rules, for a nurse. Each answers an AuthnRequest the gateway started,
 * so InResponseTo, replay and request bookkeeping are all exercised.
 */
export async function signedLoginResponses(
  identity: IdentityServices,
  prisma: Database['prisma'],
  publicUrl: string,
  count: number,
): Promise<string[]> {
  const keys = await generateSelfSignedCertificate('bench IdP');
  const idp = new SamlifyIdp(
    'https://idp.bench/saml',
    'https://idp.bench/sso',
    keys.certificatePem,
    keys.privateKeyPem,
  );
  const slug = 'bench';
  const existing = await identity.idps.bySlug(slug);
  if (existing) {
    await prisma.identityProvider.update({
      where: { id: existing.id },
      data: { signingCertificates: [keys.certificatePem] },
    });
  } else {
    const rules =
      (await identity.ruleSets.findByName('bench')) ??
      (await identity.ruleSets.create({ name: 'bench', definition: INERA_RULES }, 'bench'));
    await identity.idps.create(
      {
        slug,
        displayName: 'Bench IdP',
        entityId: idp.entityId,
        ssoUrl: idp.ssoUrl,
        signingCertificates: [keys.certificatePem],
        ruleSetId: rules.id,
      },
      'bench',
    );
  }
  const endpoints = spEndpoints(publicUrl, slug);
  const spMetadata = spMetadataXml(endpoints, await identity.spKeys.current(new Date()));
  const responses: string[] = [];
  for (let i = 0; i < count; i++) {
    const authorizeUrl = await identity.gateway.startLogin(slug, '/', null);
    const response = await idp.respond({
      authorizeUrl,
      spMetadata,
      acsUrl: endpoints.acsUrl,
      user: ineraNurse(),
    });
    responses.push(response.SAMLResponse);
  }
  return responses;
}
