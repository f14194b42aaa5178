/**
 * Identity administration from the command line (the same services as the GraphQL API):
 *
 *   npx tsx scripts/federation.ts <command> [options]
 *
 *   bootstrap --metadata FILE|URL --admin-hsa-id HSA-ID --rules inera|municipality
 *             [--slug S] [--name N] [--federation-cert FILE]
 *             the first IdP of a deployment, with an example rule set (docs/federation) and a
 *             rule that makes HSA-ID identity admin; everything after is done signed in
 *   idp list
 *   idp create --slug S --name N --entity-id E --sso-url U [--slo-url U] --cert FILE [--cert FILE]
 *              --rule-set NAME [--loa 3] [--skew 60] [--idp-initiated] [--metadata-url U]
 *   idp update SLUG --json '{"clockSkewSeconds": 90}'
 *   idp disable SLUG
 *   metadata import SLUG (--file F | --url U)
 *   metadata import --new --slug S --name N --rule-set NAME (--file F | --url U) [--federation-cert FILE]
 *   rules list | rules show NAME
 *   rules create NAME --file rules.json [--comment C]
 *   rules update NAME --file rules.json [--comment C] [--expected-version N]
 *   rules subject NAME (--name-id-must-match | --name-id-may-differ) [--identifier-attribute A]
 *                 [--comment C]   a new version with the person's identifier and NameID check
 *   rules dry-run (--idp SLUG | --rules NAME) (--attributes attrs.json | --assertion response.xml)
 *   sessions revoke SESSION_ID --reason R
 *   keys rotate                       publish a new token key (signs after the publish lead)
 *   sp-key generate [--activates-at ISO]       self-signed SAML SP key (published first)
 *   sp-key import --key FILE --cert FILE [--activates-at ISO]
 *   sp-key retire KID --at ISO
 *   events [--since ISO] [--type LOGIN] [--limit 50]
 *   maintain      the scheduled job: token key rotation when due, IdP metadata refresh
 *                 when due (each IdP claimed by one process), purge of expired replay rows
 *
 * Needs DATABASE_URL (and IDENTITY_KEY_ENCRYPTION_KEY in production). Every change is an
 * identity event with actor "cli:<user>".
 */
import { readFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config.js';
import { connectDatabase } from '../src/db/client.js';
import { BootstrapError, bootstrapFederation } from '../src/identity/bootstrap.js';
import { createIdentityServices, type IdentityConfig } from '../src/identity/index.js';
import { type Attributes, evaluateMapping } from '../src/identity/mapping/evaluate.js';
import { attributesForDryRun } from '../src/identity/saml/acs.js';

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    slug: { type: 'string' },
    name: { type: 'string' },
    'entity-id': { type: 'string' },
    'sso-url': { type: 'string' },
    'slo-url': { type: 'string' },
    cert: { type: 'string', multiple: true },
    'federation-cert': { type: 'string', multiple: true },
    'rule-set': { type: 'string' },
    loa: { type: 'string' },
    skew: { type: 'string' },
    'idp-initiated': { type: 'boolean' },
    'metadata-url': { type: 'string' },
    json: { type: 'string' },
    file: { type: 'string' },
    url: { type: 'string' },
    new: { type: 'boolean' },
    comment: { type: 'string' },
    'expected-version': { type: 'string' },
    'name-id-must-match': { type: 'boolean' },
    'name-id-may-differ': { type: 'boolean' },
    'identifier-attribute': { type: 'string' },
    idp: { type: 'string' },
    rules: { type: 'string' },
    attributes: { type: 'string' },
    assertion: { type: 'string' },
    reason: { type: 'string' },
    'activates-at': { type: 'string' },
    at: { type: 'string' },
    key: { type: 'string' },
    since: { type: 'string' },
    type: { type: 'string' },
    limit: { type: 'string' },
    metadata: { type: 'string' },
    'admin-hsa-id': { type: 'string' },
  },
});

class UsageError extends Error {}
const need = (value: string | undefined, what: string): string => {
  if (!value) throw new UsageError(`missing ${what}`);
  return value;
};
const date = (value: string | undefined, fallback: Date): Date => {
  if (!value) return fallback;
  const parsed = new Date(value);
  if (Number.isNaN(parsed.getTime())) throw new UsageError(`not a timestamp: ${value}`);
  return parsed;
};
const print = (value: unknown) => process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);

async function main(): Promise<void> {
  const config = loadConfig();
  const databaseUrl = need(config.DATABASE_URL, 'DATABASE_URL');
  const db = connectDatabase(databaseUrl, { appRole: config.DATABASE_APP_ROLE, poolSize: 2 });
  const identity = await createIdentityServices({
    prisma: db.prisma,
    pool: db.pool,
    config: config as IdentityConfig,
    log: (entry) => process.stderr.write(`${JSON.stringify(entry)}\n`),
  });
  const actor = `cli:${userInfo().username}`;
  const ruleSetId = async (name: string) => {
    const set = await identity.ruleSets.findByName(name);
    if (!set) throw new UsageError(`no rule set named ${name}`);
    return set.id;
  };
  const [area, command, subject] = positionals;
  try {
    switch (`${area} ${command ?? ''}`.trim()) {
      case 'bootstrap': {
        const metadata = need(values.metadata, '--metadata FILE|URL');
        const result = await bootstrapFederation(
          identity,
          {
            metadata: /^https?:\/\//.test(metadata)
              ? { url: metadata }
              : { xml: await readFile(metadata, 'utf8') },
            adminHsaId: need(values['admin-hsa-id'], '--admin-hsa-id'),
            rules: need(values.rules, '--rules inera|municipality'),
            slug: values.slug,
            displayName: values.name,
            federationCertificates: await Promise.all(
              (values['federation-cert'] ?? []).map((f) => readFile(f, 'utf8')),
            ),
          },
          actor,
        );
        print({
          idp: result.idp.slug,
          entityId: result.idp.entityId,
          ruleSet: result.ruleSet,
          spMetadataUrl: result.spMetadataUrl,
          loginUrl: result.loginUrl,
        });
        break;
      }
      case 'idp list':
        print(
          (await db.prisma.identityProvider.findMany({ orderBy: { slug: 'asc' } })).map((i) => ({
            slug: i.slug,
            entityId: i.entityId,
            enabled: i.enabled,
            requiredLoa: i.requiredLoa,
            certificates: i.signingCertificates.length,
            metadataUrl: i.metadataUrl,
            metadataRefreshedAt: i.metadataRefreshedAt,
          })),
        );
        break;
      case 'idp create': {
        const certs = await Promise.all((values.cert ?? []).map((f) => readFile(f, 'utf8')));
        const idp = await identity.idps.create(
          {
            slug: need(values.slug, '--slug'),
            displayName: need(values.name, '--name'),
            entityId: need(values['entity-id'], '--entity-id'),
            ssoUrl: need(values['sso-url'], '--sso-url'),
            sloUrl: values['slo-url'] ?? null,
            signingCertificates: certs,
            ruleSetId: await ruleSetId(need(values['rule-set'], '--rule-set')),
            requiredLoa: values.loa ? Number(values.loa) : undefined,
            clockSkewSeconds: values.skew ? Number(values.skew) : undefined,
            idpInitiatedAllowed: values['idp-initiated'] ?? false,
            metadataUrl: values['metadata-url'] ?? null,
          },
          actor,
        );
        print({ created: idp.slug });
        break;
      }
      case 'idp update':
        print(
          await identity.idps.update(
            need(subject, 'SLUG'),
            JSON.parse(need(values.json, '--json')),
            actor,
          ),
        );
        break;
      case 'idp disable':
        print({ disabled: (await identity.idps.disable(need(subject, 'SLUG'), actor)).slug });
        break;
      case 'metadata import': {
        const xml = values.file ? await readFile(values.file, 'utf8') : undefined;
        const federation = await Promise.all(
          (values['federation-cert'] ?? []).map((f) => readFile(f, 'utf8')),
        );
        const idp = await identity.idps.importMetadata(
          values.new
            ? {
                xml,
                url: values.url,
                create: {
                  slug: need(values.slug, '--slug'),
                  displayName: need(values.name, '--name'),
                  ruleSetId: await ruleSetId(need(values['rule-set'], '--rule-set')),
                  metadataSigningCertificates: federation,
                },
              }
            : { xml, url: values.url, existing: need(subject, 'SLUG') },
          actor,
        );
        print({ slug: idp.slug, ssoUrl: idp.ssoUrl, certificates: idp.signingCertificates.length });
        break;
      }
      case 'rules list':
        print(await db.prisma.identityMappingRuleSet.findMany({ orderBy: { name: 'asc' } }));
        break;
      case 'rules show':
        print(await identity.ruleSets.current(await ruleSetId(need(subject, 'NAME'))));
        break;
      case 'rules create': {
        const definition = JSON.parse(await readFile(need(values.file, '--file'), 'utf8'));
        print(
          await identity.ruleSets.create(
            { name: need(subject, 'NAME'), definition, comment: values.comment },
            actor,
          ),
        );
        break;
      }
      case 'rules update': {
        const definition = JSON.parse(await readFile(need(values.file, '--file'), 'utf8'));
        print(
          await identity.ruleSets.update(
            {
              ruleSetId: await ruleSetId(need(subject, 'NAME')),
              definition,
              comment: values.comment,
              expectedVersion: values['expected-version']
                ? Number(values['expected-version'])
                : undefined,
            },
            actor,
          ),
        );
        break;
      }
      case 'rules subject': {
        const mustMatch = values['name-id-must-match'] === true;
        if (mustMatch === (values['name-id-may-differ'] === true)) {
          throw new UsageError('give one of --name-id-must-match and --name-id-may-differ');
        }
        const id = await ruleSetId(need(subject, 'NAME'));
        const { definition, version } = await identity.ruleSets.current(id);
        const identifierAttribute = values['identifier-attribute'];
        print(
          await identity.ruleSets.update(
            {
              ruleSetId: id,
              definition: {
                ...definition,
                subject: {
                  nameIdMustMatch: mustMatch,
                  ...(identifierAttribute ? { identifierAttribute } : {}),
                },
              },
              comment:
                values.comment ?? `subject rule: NameID ${mustMatch ? 'must match' : 'may differ'}`,
              expectedVersion: version,
            },
            actor,
          ),
        );
        break;
      }
      case 'rules dry-run': {
        const id = values.rules
          ? await ruleSetId(values.rules)
          : (await identity.idps.require(need(values.idp, '--idp or --rules'))).ruleSetId;
        const { definition, version } = await identity.ruleSets.current(id);
        const { attributes, repeated } = values.assertion
          ? attributesForDryRun(await readFile(values.assertion, 'utf8'))
          : {
              attributes: JSON.parse(
                await readFile(need(values.attributes, '--attributes or --assertion'), 'utf8'),
              ) as Attributes,
              repeated: [],
            };
        print({
          ruleSetVersion: version,
          ...evaluateMapping(definition, attributes, {
            acceptedPurposes: identity.settings.acceptedPurposes,
            repeatedAttributes: repeated,
          }),
        });
        break;
      }
      case 'sessions revoke': {
        const session = await identity.sessions.get(need(subject, 'SESSION_ID'));
        if (!session) throw new UsageError('no such session');
        const reason = need(values.reason, '--reason');
        const revoked = await identity.sessions.revoke(session.id, actor, reason, new Date());
        await identity.events.record({
          type: 'SESSION_REVOKED',
          outcome: 'SUCCESS',
          idpId: session.idpId,
          subject: session.subject,
          actor,
          sessionId: session.id,
          reason,
        });
        print({ revoked });
        break;
      }
      case 'keys rotate':
        print({ kid: await identity.keys.rotate(new Date(), actor) });
        break;
      case 'sp-key generate': {
        const now = new Date();
        print({
          kid: await identity.spKeys.generate(
            date(values['activates-at'], now),
            now,
            actor,
            `${new URL(identity.settings.publicUrl).hostname} SAML SP`,
          ),
        });
        break;
      }
      case 'sp-key import': {
        const now = new Date();
        print({
          kid: await identity.spKeys.add(
            {
              privateKeyPem: await readFile(need(values.key, '--key'), 'utf8'),
              certificatePem: await readFile(need(values.cert?.[0], '--cert'), 'utf8'),
              activatesAt: date(values['activates-at'], now),
            },
            now,
            actor,
          ),
        });
        break;
      }
      case 'sp-key retire':
        await identity.spKeys.retire(
          need(subject, 'KID'),
          date(need(values.at, '--at'), new Date()),
          actor,
        );
        print({ retired: subject });
        break;
      case 'events':
        print(
          await db.prisma.identityEvent.findMany({
            where: {
              ...(values.since ? { occurredAt: { gte: date(values.since, new Date()) } } : {}),
              ...(values.type ? { type: values.type as never } : {}),
            },
            orderBy: { occurredAt: 'desc' },
            take: Math.min(Number(values.limit ?? 50), 1000),
          }),
        );
        break;
      case 'maintain':
        print(await identity.maintain());
        break;
      default:
        throw new UsageError(
          'unknown command; see the comment at the top of scripts/federation.ts',
        );
    }
  } finally {
    await db.close();
  }
}

main().catch((error: unknown) => {
  // One line, whatever the message (an XML parser's errors span several).
  process.stderr.write(`federation: ${(error as Error).message.replace(/\s*\n\s*/g, ' ')}\n`);
  process.exit(error instanceof UsageError || error instanceof BootstrapError ? 2 : 1);
});
