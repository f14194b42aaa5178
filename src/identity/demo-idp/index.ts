import express, { type Request, type Router } from 'express';
import type { PrismaClient } from '../../db/client.js';
import type { IdentityServices } from '../index.js';
import { KeyBox } from '../key-box.js';
import { spEndpoints } from '../saml/service-provider.js';
import { AUTO_SUBMIT_SCRIPT, personaPage, postResponsePage, refusedPage } from './pages.js';
import { PERSONAS, type Persona, personaByKey, SCALE_PERSONAS } from './personas.js';
import { DEMO_IDP_SLUG, registerDemoIdp } from './register.js';
import { DemoRequestError, DemoSamlIdp, demoIdpEndpoints } from './saml-idp.js';
import { demoIdpKey } from './signing-key.js';

export { PERSONA_KEYS, PERSONAS, type PersonaKey } from './personas.js';
export { DEMO_IDP_SLUG } from './register.js';

/**
 * The demo IdP (development only; config.ts refuses it in production), served by Brygga
 * itself under /demo-idp and federated under the IdP id `demo`:
 *   GET  /demo-idp/metadata        its SAML metadata (what registration imported)
 *   GET  /demo-idp/sso             our signed AuthnRequest → the persona page
 *   POST /demo-idp/sso             request + persona → the signed response, posted to the ACS
 *   GET  /demo-idp/auto-submit.js  submits that form
 * The request is carried through the persona page as its raw query and verified again on
 * the POST, so the IdP keeps no state and answers only requests our SP signed.
 */
export async function createDemoIdp(input: {
  identity: IdentityServices;
  prisma: PrismaClient;
  now?: () => Date;
}): Promise<Router> {
  const { identity } = input;
  const now = input.now ?? (() => new Date());
  const publicUrl = identity.settings.publicUrl;
  const key = await demoIdpKey(input.prisma, new KeyBox(identity.settings.keyEncryptionKey), now());
  const idp = new DemoSamlIdp(demoIdpEndpoints(publicUrl), key);
  await registerDemoIdp(identity, idp.metadata());
  const sp = spEndpoints(publicUrl, DEMO_IDP_SLUG);
  /** The demo region's personas, and the scale region's when `npm run seed:scale` loaded it. */
  const offered = async (): Promise<Persona[]> => {
    const present = new Set(
      (
        await input.prisma.organization.findMany({
          where: { hsaId: { in: SCALE_PERSONAS.flatMap((p) => p.onlyWithOrganization ?? []) } },
          select: { hsaId: true },
        })
      ).map((o) => o.hsaId),
    );
    return [
      ...PERSONAS,
      ...SCALE_PERSONAS.filter((p) => present.has(p.onlyWithOrganization ?? '')),
    ];
  };

  const spSide = async () => ({
    metadata: await identity.gateway.spMetadata(DEMO_IDP_SLUG),
    endpoints: sp,
  });
  const verify = async (rawQuery: string) =>
    idp.verifyRequest(rawQuery, await spSide(), now(), identity.settings.authnRequestSeconds);
  const rawQueryOf = (req: Request) =>
    req.originalUrl.includes('?') ? req.originalUrl.slice(req.originalUrl.indexOf('?') + 1) : '';
  const refuse = (res: express.Response, error: unknown) => {
    if (!(error instanceof DemoRequestError)) throw error;
    res.status(400).type('html').set('Cache-Control', 'no-store').send(refusedPage(error.message));
  };

  const router = express.Router();
  router.get('/demo-idp/metadata', (_req, res) => {
    res.type('application/samlmetadata+xml').send(idp.metadata());
  });
  router.get('/demo-idp/auto-submit.js', (_req, res) => {
    res.type('text/javascript').set('Cache-Control', 'max-age=3600').send(AUTO_SUBMIT_SCRIPT);
  });
  router.get('/demo-idp/sso', async (req, res) => {
    const rawQuery = rawQueryOf(req);
    try {
      await verify(rawQuery);
    } catch (error) {
      refuse(res, error);
      return;
    }
    res
      .type('html')
      .set('Cache-Control', 'no-store')
      .send(personaPage({ action: '/demo-idp/sso', request: rawQuery, personas: await offered() }));
  });
  router.post(
    '/demo-idp/sso',
    express.urlencoded({ extended: false, limit: '64kb', parameterLimit: 5 }),
    async (req, res) => {
      const body = (req.body ?? {}) as Record<string, unknown>;
      const persona = personaByKey(body.persona);
      try {
        if (!persona || !(await offered()).includes(persona))
          throw new DemoRequestError('Choose one of the personas on the page.');
        if (typeof body.request !== 'string')
          throw new DemoRequestError('The login request is missing.');
        const request = await verify(body.request);
        const samlResponse = await idp.respond(request, persona, await spSide(), now());
        res
          .type('html')
          .set('Cache-Control', 'no-store')
          .send(
            postResponsePage({
              acsUrl: sp.acsUrl,
              samlResponse,
              relayState: request.relayState,
              persona,
            }),
          );
      } catch (error) {
        refuse(res, error);
      }
    },
  );
  return router;
}
