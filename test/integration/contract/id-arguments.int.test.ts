import {
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLOutputType,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  isUnionType,
} from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../../src/authz/roles.js';
import { schema } from '../../../src/graphql/schema.js';
import { SOC_SOLNA, WARD_KAROLINSKA_GERIATRIK } from '../../support/demo.js';
import { principalFor, startTestServer, type TestServer } from '../../support/server.js';

/**
 * Issue 20: every argument that takes an id, found from the schema itself (so a new one is
 * covered without editing this file), answers a malformed id with a stable code, never
 * INTERNAL_SERVER_ERROR (an id that reached a `uuid` column once answered 500). Each root
 * field is sent with "garbage" in every ID slot of its arguments, as every role, since some
 * refuse a role before they read an id.
 */
const GARBAGE = 'garbage';

/** Values for the other arguments: valid of their type, so the request reaches the resolver. */
const SCALAR_VALUES: Record<string, unknown> = {
  String: 'x',
  Int: 1,
  Float: 1,
  Boolean: false,
  ID: GARBAGE,
  DateTime: '2026-01-05T08:00:00.000Z',
  Date: '2026-01-05',
  YearMonth: '2026-01',
  JSONObject: {},
  Decimal: '1.00',
};

/** Strings and numbers that must be of a form, by the argument's or input field's name. */
const NAMED_VALUES: Record<string, string | number> = {
  month: '2026-01',
  from: '2026-01',
  to: '2026-01',
  period: '2026-01',
  field: 'Case.dischargeInformation',
  year: 2026,
};

/** Where the ID slots of a type are, as dotted paths (a list's items share the list's path). */
function idSlots(type: GraphQLInputType, path: string): string[] {
  const named = getNamedType(type);
  if (named.name === 'ID') return [path];
  if (!isInputObjectType(named)) return [];
  return Object.values(named.getFields()).flatMap((f) => idSlots(f.type, `${path}.${f.name}`));
}

/**
 * A value of the type: every required part filled (required ID slots with garbage), and the
 * one optional ID slot at `target` with garbage; other optional parts left out.
 */
function sampleOf(type: GraphQLInputType, path: string, target: string): unknown {
  if (isNonNullType(type)) return sampleOf(type.ofType, path, target);
  if (isListType(type)) return [sampleOf(type.ofType, path, target)];
  const name = path.slice(path.lastIndexOf('.') + 1);
  if (isEnumType(type)) return type.getValues()[0]!.value;
  if (isScalarType(type)) {
    if (type.name === 'ID') return GARBAGE;
    if (['String', 'Int'].includes(type.name) && name in NAMED_VALUES) return NAMED_VALUES[name];
    if (!(type.name in SCALAR_VALUES)) throw new Error(`no test value for scalar ${type.name}`);
    return SCALAR_VALUES[type.name];
  }
  if (isInputObjectType(type)) {
    const value: Record<string, unknown> = {};
    for (const field of Object.values(type.getFields())) {
      const at = `${path}.${field.name}`;
      if (isNonNullType(field.type) || target === at || target.startsWith(`${at}.`))
        value[field.name] = sampleOf(field.type, at, target);
    }
    return value;
  }
  throw new Error(`unexpected input type ${String(type)}`);
}

/**
 * `{ __typename ... on XError { code } }` for unions, `{ __typename }` for objects and
 * interfaces (with a connection's `totalCount` and `edges`, which are what make it run its
 * query), nothing for leaves.
 */
function selectionOf(type: GraphQLOutputType): string {
  const named = getNamedType(type) as GraphQLNamedType;
  if (isUnionType(named)) {
    const errors = named.getTypes().filter((member) => 'code' in member.getFields());
    return `{ __typename ${errors.map((e) => `... on ${e.name} { code }`).join(' ')} }`;
  }
  if (!isObjectType(named) && !isInterfaceType(named)) return '';
  const fields = named.getFields();
  return `{ __typename ${'totalCount' in fields ? 'totalCount' : ''} ${
    'edges' in fields ? 'edges { __typename }' : ''
  } }`;
}

interface Probe {
  root: 'query' | 'mutation';
  field: string;
  /** The ID slot given garbage, e.g. `input.caseId` (required ones always are). */
  slot: string;
  document: string;
  variables: Record<string, unknown>;
}

function probesOf(root: Probe['root'], field: GraphQLField<unknown, unknown>): Probe[] {
  const slots = field.args.flatMap((arg) => idSlots(arg.type, arg.name));
  return slots.map((slot) => {
    const args = field.args.filter(
      (arg) => isNonNullType(arg.type) || slot === arg.name || slot.startsWith(`${arg.name}.`),
    );
    const variables = Object.fromEntries(
      args.map((arg) => [arg.name, sampleOf(arg.type, arg.name, slot)]),
    );
    const declared = args.map((arg: GraphQLArgument) => `$${arg.name}: ${String(arg.type)}`);
    const passed = args.map((arg) => `${arg.name}: $${arg.name}`);
    const document = `${root} Probe${args.length ? `(${declared.join(', ')})` : ''} { ${
      field.name
    }${passed.length ? `(${passed.join(', ')})` : ''} ${selectionOf(field.type)} }`;
    return { root, field: field.name, slot, document, variables };
  });
}

const probes: Probe[] = (['query', 'mutation'] as const).flatMap((root) => {
  const type = (root === 'query' ? schema.getQueryType() : schema.getMutationType()) as
    | GraphQLObjectType
    | undefined;
  return Object.values(type?.getFields() ?? {}).flatMap((field) => probesOf(root, field));
});

const ROLES: [string, Role[]][] = [
  [WARD_KAROLINSKA_GERIATRIK, ['WARD_STAFF']],
  [SOC_SOLNA, ['SOCIAL_SERVICES_STAFF']],
  [WARD_KAROLINSKA_GERIATRIK, ['FINANCE']],
  [SOC_SOLNA, ['INFORMATION_OWNER', 'SECURITY_OFFICER']],
  [WARD_KAROLINSKA_GERIATRIK, ['IDENTITY_ADMIN']],
];

let server: TestServer;
const tokens: string[] = [];

beforeAll(async () => {
  server = await startTestServer();
  for (const [unit, roles] of ROLES)
    tokens.push(await server.tokenFor(principalFor(unit, roles, `Probe ${roles.join('+')}`)));
});
afterAll(() => server?.close());

/** What the server said: each error's code, and the code of a typed refusal. */
async function answer(token: string, probe: Probe) {
  const res = await fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${token}`,
    },
    body: JSON.stringify({ query: probe.document, variables: probe.variables }),
  });
  const body = (await res.json()) as {
    data?: Record<string, unknown> | null;
    errors?: { extensions?: { code?: string } }[];
  };
  const result = body.data?.[probe.field] as { code?: string } | null | undefined;
  return {
    status: res.status,
    codes: [
      ...(body.errors ?? []).map((e) => e.extensions?.code ?? 'NO_CODE'),
      ...(result && typeof result === 'object' && result.code ? [result.code] : []),
    ],
  };
}

describe('every id argument, given garbage', () => {
  it('finds the id arguments in the schema', () => {
    const names = probes.map((p) => `${p.field}(${p.slot})`);
    expect(names).toEqual(
      expect.arrayContaining([
        'node(id)',
        'case(id)',
        'updateMappingRuleSet(id)',
        'revokeSession(sessionId)',
        'createIdentityProvider(input.ruleSetId)',
        'placeLegalHold(input.caseId)',
      ]),
    );
  });

  it.each(probes.map((p) => [`${p.root} ${p.field}(${p.slot})`, p] as const))(
    '%s answers a stable code (INVALID_ID for a role that may use it), never 500',
    async (_name, probe) => {
      const seen: string[][] = [];
      for (const token of tokens) {
        const { status, codes } = await answer(token, probe);
        expect(status, probe.document).not.toBe(500);
        expect(codes, probe.document).not.toContain('INTERNAL_SERVER_ERROR');
        expect(codes, probe.document).not.toContain('NO_CODE');
        seen.push(codes);
      }
      // At least one role got past its access check to the id, and was told it is not one.
      expect(seen.flat(), probe.document).toContain('INVALID_ID');
    },
  );
});
