import { encodeGlobalID } from '@pothos/plugin-relay';
import { print } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileFind, findCompiler } from '../../src/db/compiled-read/compile.js';
import type { ModelName } from '../../src/db/compiled-read/find.js';
import { Prisma } from '../../src/db/generated/prisma/client.js';
import { readModel } from '../../src/db/generated/read-model.js';
import { registry } from '../../src/metrics/registry.js';
import {
  CaseByIdDocument,
  CaseListDocument,
  CaseListNestedDocument,
  CasesDocument,
  OpenEmergencyAccessDocument,
} from '../generated/graphql.js';
import {
  SOC_SODERMALM,
  VC_SODERMALM,
  WARD_KAROLINSKA_GERIATRIK,
  WARD_SODERSJUKHUSET_MEDICIN,
} from '../support/demo.js';
import { principalFor, startTestServer, type TestServer } from '../support/server.js';

/**
 * The compiled reads (src/db/compiled-read/) answer exactly what Prisma Client answers for
 * the same arguments: first for every read the API itself plans (recorded from real
 * requests of several roles), then for arguments written to reach every part of the
 * compiler and every kind of column. What it does not compile it leaves to Prisma.
 */
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

type Delegate = {
  findMany(args: object): Promise<unknown[]>;
  findFirst(args: object): Promise<unknown>;
};

function prismaOf(model: ModelName): Delegate {
  const name = `${model[0]!.toLowerCase()}${model.slice(1)}`;
  return (server.db.prisma as unknown as Record<string, Delegate>)[name]!;
}

/** What the compiler makes of `args`, compiled afresh (no shape kept). */
const fresh = (model: string, args: object, first: boolean) =>
  compileFind(readModel, Prisma.Decimal, model, args as Record<string, unknown>, first);

/** The compiled statement's answer, run on the API's pool; fails if it was not compiled. */
async function compiled(model: ModelName, args: object, first = false) {
  const read = fresh(model, args, first);
  expect(read, `compiled ${model} ${JSON.stringify(args)}`).not.toBeNull();
  const { rows } = await server.db.pool.query<{ r: Record<string, unknown> }>(
    read!.text,
    read!.values,
  );
  const answer = rows.map((row) => read!.decode(row.r));
  return read!.backwards ? answer.reverse() : answer;
}

async function expectSameAsPrisma(model: ModelName, args: object) {
  const many = await prismaOf(model).findMany(args);
  expect(await compiled(model, args)).toStrictEqual(many);
  // findFirst takes no `take` (Prisma refuses one); it is findMany's first row.
  const { take: _, ...firstArgs } = args as { take?: number };
  const first = await prismaOf(model).findFirst(firstArgs);
  expect((await compiled(model, firstArgs, true))[0] ?? null).toStrictEqual(first);
  return many;
}

async function fallbacks(model: string): Promise<number> {
  const metric = await registry.getSingleMetric('brygga_compiled_read_fallbacks_total')!.get();
  return metric.values.find((v) => v.labels.model === model)?.value ?? 0;
}

describe('compiled reads', () => {
  it('answer every case read the API plans exactly as Prisma does, for each role', async () => {
    const recorded: { model: ModelName; args: object; first: boolean }[] = [];
    const reads = server.db.reads;
    const { findMany, findFirst } = reads;
    reads.findMany = (model, args, prisma, options) => {
      recorded.push({ model, args, first: false });
      return findMany(model, args, prisma, options);
    };
    reads.findFirst = (model, args, prisma, options) => {
      recorded.push({ model, args, first: true });
      return findFirst(model, args, prisma, options);
    };
    const before = await fallbacks('Case');
    try {
      const { rows } = await server.owner.query<{ id: string }>(
        `SELECT c.id FROM "case" c JOIN case_party p ON p.case_id = c.id AND p.left_at IS NULL
           JOIN unit u ON u.id = p.unit_id AND u.hsa_id = $1
          ORDER BY c.reference LIMIT 4`,
        [SOC_SODERMALM],
      );
      expect(rows.length).toBe(4);
      const roles = [
        principalFor(SOC_SODERMALM, ['SOCIAL_SERVICES_STAFF'], 'Siv Socialtjänst'),
        principalFor(VC_SODERMALM, ['PRIMARY_CARE_STAFF'], 'Pia Primärvård'),
        principalFor(WARD_SODERSJUKHUSET_MEDICIN, ['WARD_STAFF'], 'Wera Avdelning'),
        principalFor(WARD_KAROLINSKA_GERIATRIK, ['WARD_STAFF'], 'Kim Annan avdelning'),
        // Organisation-wide: the region's cases, by another way in (src/authz/case-access.ts).
        principalFor(WARD_SODERSJUKHUSET_MEDICIN, ['FINANCE'], 'Frida Ekonomi'),
      ];
      const askAs =
        (token: string) => async (document: Parameters<typeof print>[0], variables: object) => {
          const response = await fetch(`${server.url}/graphql`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
            body: JSON.stringify({ query: print(document), variables }),
          });
          expect(response.status).toBe(200);
          return (await response.json()) as { data: Record<string, { case?: { id: string } }> };
        };
      for (const principal of roles) {
        const ask = askAs(await server.tokenFor(principal));
        for (const { id } of rows) await ask(CaseByIdDocument, { id: encodeGlobalID('Case', id) });
        await ask(CaseListNestedDocument, { first: 5 });
        await ask(CasesDocument, { first: 3 });
        await ask(CaseListDocument, {
          first: 4,
          orderBy: { field: 'READY_SINCE', direction: 'ASC' },
        });
        await ask(CaseListDocument, { last: 2 });
      }
      // The third way in: an emergency grant (nödöppning) of a ward that takes no part.
      const outsider = askAs(
        await server.tokenFor(
          principalFor(WARD_KAROLINSKA_GERIATRIK, ['WARD_STAFF'], 'Kim Annan avdelning'),
        ),
      );
      const { rows: patients } = await server.owner.query<{ pin: string }>(
        `SELECT p.personal_identity_number AS pin FROM "case" c JOIN patient p ON p.id = c.patient_id
          WHERE c.id = $1`,
        [rows[0]!.id],
      );
      const opened = await outsider(OpenEmergencyAccessDocument, {
        input: {
          personalIdentityNumber: patients[0]!.pin,
          reason: 'Akut, patienten är medvetslös',
        },
      });
      const granted = opened.data.openEmergencyAccess?.case?.id;
      expect(granted).toBeDefined();
      await outsider(CaseByIdDocument, { id: granted });
      await outsider(CaseListNestedDocument, { first: 5 });
    } finally {
      reads.findMany = findMany;
      reads.findFirst = findFirst;
    }
    // Every one of them compiled: none was left to Prisma.
    expect(await fallbacks('Case')).toBe(before);
    expect(recorded.filter((r) => r.first).length).toBe(21);
    expect(recorded.filter((r) => !r.first).length).toBe(21);
    // A shape compiled once answers the next read of that shape (other cases, other
    // roles' units) with the same statement and that read's own values.
    const compile = findCompiler(readModel, Prisma.Decimal);
    for (const { model, args, first } of recorded) {
      const cached = compile(model, args as Record<string, unknown>, first);
      const afresh = fresh(model, args, first);
      expect({ ...cached, decode: undefined }).toStrictEqual({ ...afresh, decode: undefined });
    }
    let found = 0;
    for (const { model, args, first } of recorded) {
      const delegate = prismaOf(model);
      const answer = first
        ? [await delegate.findFirst(args)].filter(Boolean)
        : await delegate.findMany(args);
      found += answer.length;
      expect(await compiled(model, args, first)).toStrictEqual(answer);
    }
    // The roles saw cases (the comparison is not of empty answers only).
    expect(found).toBeGreaterThan(30);
  });

  it('answer as Prisma for every kind of column, relation, filter, order and window', async () => {
    const cases = await expectSameAsPrisma('Case', {
      include: {
        patient: { include: { blocks: true } },
        parties: { orderBy: [{ role: 'asc' }, { joinedAt: 'desc' }], include: { unit: true } },
        events: {
          where: { type: { in: ['ADMISSION_NOTICE_SENT', 'READY_FOR_DISCHARGE_NOTIFIED'] } },
          orderBy: { sequence: 'desc' },
          take: 2,
          skip: 1,
          include: { position: true, authorUnit: { select: { hsaId: true } } },
        },
        carePlans: {
          include: {
            versions: {
              include: { items: { orderBy: { dueOn: { sort: 'asc', nulls: 'first' } } } },
            },
          },
        },
        dischargeEvent: true,
      },
      where: {
        OR: [{ readyForDischargeAt: { not: null } }, { status: 'PLANNING' }],
        parties: {
          some: {
            leftAt: null,
            unit: { is: { kind: { in: ['WARD_SOMATIC', 'MUNICIPAL_SOCIAL_SERVICES'] } } },
          },
        },
        admittedAt: { gte: new Date('2000-01-01T00:00:00Z'), lt: new Date('2100-01-01T00:00:00Z') },
      },
      orderBy: [{ readyForDischargeAt: { sort: 'desc', nulls: 'last' } }, { reference: 'asc' }],
      take: 12,
      skip: 2,
    });
    expect(cases.length).toBe(12);
    // The last rows (a page backwards): the order turned around, nulls' place with it.
    for (const orderBy of [
      [{ readyForDischargeAt: { sort: 'asc', nulls: 'first' } }, { reference: 'asc' }],
      [{ readyForDischargeAt: 'desc' }, { reference: 'desc' }],
      [{ readyForDischargeAt: 'asc' }, { reference: 'asc' }],
    ]) {
      const last = await expectSameAsPrisma('Case', {
        select: { id: true },
        orderBy,
        take: -15,
        skip: 1,
      });
      expect(last.length).toBe(15);
    }
    // Decimals, BigInts, dates (`@db.Date`) and lists of them, and JSON: invoice lines
    // (the demo has no invoices).
    await server.owner.query(
      `WITH o AS (SELECT id FROM organization ORDER BY hsa_id LIMIT 2),
            i AS (INSERT INTO invoice (id, kind, debtor_id, creditor_id, period, status, total_amount)
                  SELECT gen_random_uuid(), 'PAYMENT_RESPONSIBILITY', min(id::text)::uuid,
                         max(id::text)::uuid, '2026-01-01', 'DRAFT', 1234.50 FROM o RETURNING id)
       INSERT INTO invoice_line (id, invoice_id, position, kind, case_id, description, days, dates,
                                 price_per_day, amount, event_ids, day_details)
       SELECT gen_random_uuid(), i.id, n, 'CHARGE', (SELECT id FROM "case" ORDER BY reference LIMIT 1),
              'Dagar', 2, '{2026-01-02,2026-01-03}', 617.25, 1234.50 * n, '{}',
              '[{"day": "2026-01-02"}]'
         FROM i, generate_series(1, 2) n`,
    );
    const lines = await expectSameAsPrisma('InvoiceLine', {
      include: { invoice: { include: { lines: { select: { id: true, amount: true } } } } },
      where: { amount: { gt: 0 }, caseId: { not: null } },
      orderBy: { id: 'asc' },
    });
    expect(lines.length).toBeGreaterThan(0);
    const line = lines[0] as { amount: unknown; dates: unknown[]; dayDetails: unknown };
    expect(line.amount).toBeInstanceOf(Prisma.Decimal);
    expect(line.dates[0]).toBeInstanceOf(Date);
    const positions = await expectSameAsPrisma('CaseEventPosition', {
      where: {
        event: { is: { case: { is: { status: { in: ['PLANNING', 'DISCHARGED', 'CLOSED'] } } } } },
      },
      orderBy: { position: 'asc' },
      take: 20,
      include: { event: { select: { payload: true, occurredAt: true } } },
    });
    expect(typeof (positions[0] as { position: unknown }).position).toBe('bigint');
    // Nothing matches: an empty OR, a relation with none, a value that is not a row's.
    expect(await expectSameAsPrisma('Case', { where: { OR: [] } })).toEqual([]);
    expect(
      await expectSameAsPrisma('Case', { where: { AND: [{ parties: { none: {} } }] }, take: 3 }),
    ).toEqual([]);
    expect(await expectSameAsPrisma('Unit', { where: { hsaId: "x' OR 'a' = 'a" } })).toEqual([]);
    const withoutPlans = await expectSameAsPrisma('Case', {
      select: { id: true, carePlans: { select: { id: true } } },
      where: { carePlans: { none: {} }, closedAt: null },
      orderBy: { reference: 'desc' },
    });
    expect(withoutPlans.length).toBeGreaterThan(0);
  });

  it('compiles a shape once and reads each call’s own values, never another shape’s', () => {
    const compile = findCompiler(readModel, Prisma.Decimal);
    const unit = (id: string) => ({ parties: { some: { unitId: id, leftAt: null } } });
    const calls: [object, boolean][] = [
      [{ where: { AND: [unit('u1'), { status: 'PLANNING' }] }, take: 5 }, false],
      [{ where: { AND: [unit('u2'), { status: 'CLOSED' }] }, take: 7 }, false],
      [{ where: { AND: [unit('u3'), { status: null }] }, take: 7 }, false],
      [{ where: { AND: [] }, take: 7 }, false],
      [{ where: { OR: [] }, take: 7 }, false],
      [{ where: { id: { in: ['a', 'b', 'c'] } }, take: -2, orderBy: { reference: 'asc' } }, false],
      [{ where: { id: { in: ['d'] } }, take: -4, orderBy: { reference: 'asc' } }, false],
      [{ where: { id: { in: ['d'] } }, take: 4, orderBy: { reference: 'asc' } }, false],
      [{ where: { id: { in: ['d'] } }, take: 0, orderBy: { reference: 'asc' } }, false],
      [{ where: { id: { in: ['e'] } }, skip: 3 }, true],
      [{ where: { id: { in: ['e'] } }, skip: 0 }, true],
      [{ where: { admittedAt: { gte: new Date('2026-01-01T00:00:00Z') } } }, false],
      [{ where: { admittedAt: { gte: new Date('2026-02-01T00:00:00Z') } } }, false],
      [{ where: { admittedAt: { gte: new Prisma.Decimal(1) } } }, false],
      [{ where: { reference: { in: ['x', null] } } }, false],
      [{ where: { reference: { in: ['x', 'y'] } } }, false],
      [{ where: { version: 1.5 } }, false],
      [{ where: { version: 2 } }, false],
      // An order's direction and nulls' place are words of the statement, not values.
      [{ orderBy: { reference: 'asc' }, take: 3 }, false],
      [{ orderBy: { reference: 'desc' }, take: 3 }, false],
      [{ orderBy: [{ admittedAt: { sort: 'asc', nulls: 'first' } }], take: 3 }, false],
      [{ orderBy: [{ admittedAt: { sort: 'asc', nulls: 'last' } }], take: 3 }, false],
      [{ include: { parties: { orderBy: { joinedAt: 'asc' } } } }, false],
      [{ include: { parties: { orderBy: { joinedAt: 'desc' } } } }, false],
      [{ select: { id: true, status: false } }, false],
      [{ select: { id: true, status: true } }, false],
      [{ where: { 'a:s,b': 's' } }, false],
      [{ where: { a: 's', b: 's' } }, false],
    ];
    // Twice: the second round reads every shape from what the first compiled.
    for (let round = 0; round < 2; round++) {
      for (const [args, first] of calls) {
        const afresh = fresh('Case', args, first);
        const cached = compile('Case', args as Record<string, unknown>, first);
        expect(cached && { ...cached, decode: undefined }, JSON.stringify(args)).toStrictEqual(
          afresh && { ...afresh, decode: undefined },
        );
      }
    }
  });

  it('never splices a value into its statement', () => {
    const read = fresh('Unit', { where: { hsaId: "x'; DROP TABLE unit; --" } }, false);
    expect(read!.text).not.toContain('DROP');
    expect(read!.values).toEqual(["x'; DROP TABLE unit; --"]);
  });

  it('leaves to Prisma what it does not compile, and the answer is still Prisma’s', async () => {
    const refused: [ModelName, object][] = [
      ['Case', { cursor: { id: '00000000-0000-0000-0000-000000000000' } }],
      ['Case', { distinct: ['status'] }],
      ['Case', { where: { NOT: { status: 'CLOSED' } } }],
      ['Case', { where: { status: { not: 'CLOSED' } } }],
      ['Case', { where: { reference: { contains: 'x' } } }],
      ['Case', { where: { parties: { every: { leftAt: null } } } }],
      ['Case', { where: { patient: { isNot: { protectedIdentity: true } } } }],
      ['Case', { select: { id: true, _count: { select: { events: true } } } }],
      ['Case', { orderBy: { patient: { familyName: 'asc' } } }],
      [
        'Case',
        { include: { parties: { cursor: { id: '00000000-0000-0000-0000-000000000000' } } } },
      ],
      ['Case', { take: -1 }],
      ['CaseEvent', { where: { payload: { equals: {} } } }],
    ];
    for (const [model, args] of refused) {
      expect(fresh(model, args, false), JSON.stringify(args)).toBeNull();
    }
    const before = await fallbacks('Case');
    const args = {
      where: { NOT: { status: 'CLOSED' } },
      orderBy: { reference: 'asc' },
      take: 3,
      select: { id: true },
    } as const;
    const answer = await server.db.reads.findMany('Case', args, () =>
      server.db.prisma.case.findMany(args),
    );
    expect(answer).toStrictEqual(await server.db.prisma.case.findMany(args));
    expect(answer.length).toBe(3);
    expect(await fallbacks('Case')).toBe(before + 1);
  });
});
