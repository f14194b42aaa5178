import { parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../../src/authz/roles.js';
import { sendLogged } from '../../support/access-log-request.js';
import { SOC_SODERMALM, WARD_KAROLINSKA_GERIATRIK } from '../../support/demo.js';
import {
  type GuardedFields,
  guardedFields,
  wardCaseWithSocialServices,
} from '../../support/guarded-fields.js';
import { principalFor, startTestServer, type TestServer } from '../../support/server.js';

/**
 * `redactions` on the object (issue 20): what an object withholds travels with it, so a
 * normalised cache keeps it. Over HTTP, as several roles: an object's `redactions` are the
 * response's `extensions.redactions` for the fields selected, decided the same way, plus
 * the withheld fields that were not selected; selecting it reads nothing and logs nothing.
 */
const TYPES = ['Case', 'Patient', 'CarePlan', 'CaseEvent', 'Note'] as const;
type TypeName = (typeof TYPES)[number];

interface Entry {
  field: string;
  category: string;
  reason: string;
}
interface Body {
  data?: { node: Record<string, unknown> | null } | null;
  errors?: unknown[];
  extensions?: { redactions?: { path: (string | number)[]; category: string; reason: string }[] };
}

let server: TestServer;
let guarded: GuardedFields;
const ids: Record<TypeName, string> = {} as never;
let caseId = '';
let patientId = '';

const REDACTIONS = 'redactions { field category reason }';

async function ask(roles: Role[], unit: string, document: string, id: string) {
  const token = await server.tokenFor(principalFor(unit, roles, 'Redactions'));
  const { body, rows } = await sendLogged(server, token, parse(document), { id });
  return { body: body as Body, rows };
}

/** Every guarded field of the type (each object field with `__typename`), and `redactions`. */
const everyField = (type: TypeName) => `${guarded.selection(type)} ${REDACTIONS}`;

const node = (type: TypeName, selection: string) =>
  `query($id: ID!) { node(id: $id) { ... on ${type} { ${selection} } } }`;

/** The response extension's entries for fields of the object at `node`, as the object lists them. */
function extensionEntries(body: Body): Entry[] {
  return (body.extensions?.redactions ?? [])
    .filter((r) => r.path.length === 2 && r.path[0] === 'node')
    .map((r) => ({ field: String(r.path[1]), category: r.category, reason: r.reason }))
    .sort((a, b) => a.field.localeCompare(b.field));
}

const redactionsOf = (body: Body) => body.data!.node!.redactions as Entry[];

beforeAll(async () => {
  server = await startTestServer();
  guarded = await guardedFields(server.url, TYPES);
  const found = await wardCaseWithSocialServices(server.owner);
  ({ caseId, patientId } = found);
  Object.assign(ids, found.ids);
});
afterAll(() => server?.close());

const SCENES: {
  label: string;
  roles: Role[];
  unit: string;
  consent?: boolean;
  protectedIdentity?: boolean;
  blockWard?: boolean;
}[] = [
  { label: 'ward staff', roles: ['WARD_STAFF'], unit: WARD_KAROLINSKA_GERIATRIK },
  {
    label: 'social services without consent',
    roles: ['SOCIAL_SERVICES_STAFF'],
    unit: SOC_SODERMALM,
  },
  {
    label: 'social services with consent',
    roles: ['SOCIAL_SERVICES_STAFF'],
    unit: SOC_SODERMALM,
    consent: true,
  },
  {
    label: 'finance, patient with protected identity',
    roles: ['FINANCE'],
    unit: WARD_KAROLINSKA_GERIATRIK,
    protectedIdentity: true,
  },
  {
    label: 'social services, the patient blocked the ward’s region',
    roles: ['SOCIAL_SERVICES_STAFF'],
    unit: SOC_SODERMALM,
    consent: true,
    blockWard: true,
  },
];

describe.each(SCENES)('as $label', (scene) => {
  beforeAll(async () => {
    await server.owner.query(`UPDATE "case" SET consent = $1 WHERE id = $2`, [
      scene.consent ? 'GIVEN' : 'NOT_ASKED',
      caseId,
    ]);
    await server.owner.query(`UPDATE patient SET protected_identity = $1 WHERE id = $2`, [
      scene.protectedIdentity ?? false,
      patientId,
    ]);
    await server.owner.query(
      `UPDATE patient_block SET lifted_at = now(), lifted_by_hsa_id = registered_by_hsa_id
       WHERE patient_id = $1 AND lifted_at IS NULL`,
      [patientId],
    );
    if (scene.blockWard) {
      await server.owner.query(
        `INSERT INTO patient_block (patient_id, blocked_organization_id, registered_by_hsa_id, registered_at)
         SELECT $1, u.organization_id, 'SE2120001439-BLK1', now() FROM unit u WHERE u.hsa_id = $2`,
        [patientId, WARD_KAROLINSKA_GERIATRIK],
      );
    }
  });

  it.each(TYPES)(
    '%s lists what it withholds: the extension’s entries when all is selected, the same when only `redactions` is',
    async (type) => {
      const all = await ask(scene.roles, scene.unit, node(type, everyField(type)), ids[type]);
      expect(all.body.errors).toBeUndefined();
      expect(all.body.data?.node, `${type} visible`).not.toBeNull();
      const fromExtension = extensionEntries(all.body);
      expect(redactionsOf(all.body)).toEqual(fromExtension);
      for (const { field } of fromExtension) expect(all.body.data!.node![field]).toBeNull();

      // Nothing but `redactions` selected: the extension is empty, the object still knows.
      const only = await ask(scene.roles, scene.unit, node(type, `id ${REDACTIONS}`), ids[type]);
      expect(only.body.extensions?.redactions ?? []).toEqual([]);
      expect(redactionsOf(only.body)).toEqual(fromExtension);
      // It read no patient data and refused nothing asked for: no access-log row.
      expect(only.rows).toEqual([]);
    },
  );

  it('names the withheld fields the policy says, with their reasons', async () => {
    const caseRedactions = redactionsOf(
      (await ask(scene.roles, scene.unit, node('Case', REDACTIONS), ids.Case)).body,
    );
    const event = redactionsOf(
      (await ask(scene.roles, scene.unit, node('CaseEvent', REDACTIONS), ids.CaseEvent)).body,
    );
    const patient = redactionsOf(
      (await ask(scene.roles, scene.unit, node('Patient', REDACTIONS), ids.Patient)).body,
    );
    const fields = (list: Entry[]) => list.map((r) => `${r.field}:${r.category}:${r.reason}`);
    switch (scene.label) {
      case 'ward staff':
        // A role that may read everything here gets [].
        expect([...caseRedactions, ...event, ...patient]).toEqual([]);
        break;
      case 'social services without consent':
        // psychiatric and compulsoryCare are MEDICAL too, but payment responsibility needs them.
        expect(fields(caseRedactions)).toEqual(['dischargeInformation:MEDICAL:CONSENT_REQUIRED']);
        expect(fields(event)).toEqual([
          'details:MEDICAL:CONSENT_REQUIRED',
          'payload:MEDICAL:CONSENT_REQUIRED',
        ]);
        expect(patient).toEqual([]);
        break;
      case 'social services with consent':
        expect([...caseRedactions, ...event, ...patient]).toEqual([]);
        break;
      case 'finance, patient with protected identity':
        expect(fields(caseRedactions)).toContain('patient:PROTECTED_IDENTITY:NOT_GRANTED');
        expect(fields(caseRedactions)).toContain('dischargeInformation:MEDICAL:NOT_GRANTED');
        expect(fields(caseRedactions)).toContain('events:PLANNING:NOT_GRANTED');
        expect(fields(patient)).toEqual([
          'familyName:PROTECTED_IDENTITY:NOT_GRANTED',
          'givenName:PROTECTED_IDENTITY:NOT_GRANTED',
          'homeMunicipalityCode:PROTECTED_IDENTITY:NOT_GRANTED',
          'homeOrganization:PROTECTED_IDENTITY:NOT_GRANTED',
          'identityKind:PROTECTED_IDENTITY:NOT_GRANTED',
          'personalIdentityNumber:PROTECTED_IDENTITY:NOT_GRANTED',
        ]);
        break;
      default:
        expect(fields(caseRedactions)).toContain('events:PLANNING:PATIENT_BLOCK');
        expect(fields(caseRedactions)).toContain('dischargeInformation:MEDICAL:PATIENT_BLOCK');
        expect(fields(caseRedactions)).not.toContain('reference');
        expect(fields(event).every((f) => f.endsWith(':PATIENT_BLOCK'))).toBe(true);
        expect(fields(event)).toContain('type:PLANNING:PATIENT_BLOCK');
    }
  });
});

describe('selecting `redactions` beside the fields', () => {
  it('leaves the refusal of a selected field logged, whichever comes first', async () => {
    for (const selection of [
      `${REDACTIONS} dischargeInformation { __typename }`,
      `dischargeInformation { __typename } ${REDACTIONS}`,
    ]) {
      await server.owner.query(`UPDATE "case" SET consent = 'NOT_ASKED' WHERE id = $1`, [caseId]);
      await server.owner.query(
        `UPDATE patient_block SET lifted_at = now(), lifted_by_hsa_id = registered_by_hsa_id
         WHERE patient_id = $1 AND lifted_at IS NULL`,
        [patientId],
      );
      const { body, rows } = await ask(
        ['SOCIAL_SERVICES_STAFF'],
        SOC_SODERMALM,
        node('Case', selection),
        ids.Case,
      );
      expect(redactionsOf(body)).toEqual(extensionEntries(body));
      expect(rows).toEqual([
        expect.objectContaining({ outcome: 'DENIED', categories: ['MEDICAL'], case_id: caseId }),
      ]);
    }
  });
});

describe('who sees a case at all', () => {
  it('only roles that read ADMINISTRATIVE: node(id) answers null to the others, and whyAccess says why', async () => {
    const why = `query($id: ID!) { whyAccess(caseId: $id, field: "Case.reference") { caseVisible rowRule allowed } }`;
    for (const roles of [['SECURITY_OFFICER'], ['INFORMATION_OWNER'], []] as Role[][]) {
      const seen = await ask(roles, WARD_KAROLINSKA_GERIATRIK, node('Case', 'id'), ids.Case);
      expect(seen.body.data?.node, `[${roles}]`).toBeNull();
      const explained = await ask(roles, WARD_KAROLINSKA_GERIATRIK, why, ids.Case);
      expect(explained.body.data).toEqual({
        whyAccess: {
          caseVisible: false,
          rowRule: 'none of your roles reads ADMINISTRATIVE, which seeing a case needs',
          allowed: false,
        },
      });
    }
    const ward = await ask(
      ['SECURITY_OFFICER', 'WARD_STAFF'],
      WARD_KAROLINSKA_GERIATRIK,
      why,
      ids.Case,
    );
    expect(ward.body.data).toEqual({
      whyAccess: {
        caseVisible: true,
        rowRule: 'your acting unit takes part in the case',
        allowed: true,
      },
    });
  });
});
