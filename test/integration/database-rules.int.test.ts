import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getDatamodel } from '../../src/db/generated/pothos-types.js';
import { startTestServer, type TestServer } from '../support/server.js';

/**
 * What the database itself guarantees: the event list and its kin are append-only for
 * every role, the API's role has no more than its grants, and prisma/*.prisma describes
 * exactly the tables the reviewed SQL migrations create.
 */
let server: TestServer;
let app: pg.Client;
let eventsBefore = 0;

beforeAll(async () => {
  server = await startTestServer();
  app = new pg.Client({ connectionString: server.databaseUrl, options: '-c role=brygga_app' });
  await app.connect();
  // One invoice line, so that row triggers on invoice_line have a row to refuse.
  await server.owner.query(`
    WITH o AS (SELECT id FROM organization ORDER BY hsa_id LIMIT 1),
         i AS (INSERT INTO invoice (kind, debtor_id, creditor_id, period, status, total_amount)
               SELECT 'COST_SHARING', o.id, o.id, DATE '2026-01-01', 'DRAFT', 1 FROM o RETURNING id)
    INSERT INTO invoice_line (invoice_id, position, kind, description, days, dates, price_per_day, amount, event_ids)
    SELECT i.id, 1, 'CHARGE', 'x', 0, '{}', 1, 1, '{}' FROM i`);
  eventsBefore = (
    await server.owner.query<{ n: number }>('SELECT count(*)::int AS n FROM case_event')
  ).rows[0]!.n;
});
afterAll(async () => {
  await app?.end();
  await server?.close();
});

const APPEND_ONLY = [
  'case_event',
  'case_event_recipient',
  'case_event_acknowledgement',
  'care_plan',
  'care_plan_version',
  'care_plan_item',
  'care_plan_participant',
  'note',
  'invoice_line',
];

async function failure(client: pg.Client, sql: string): Promise<string> {
  try {
    await client.query(sql);
  } catch (error) {
    return (error as Error).message;
  }
  return 'no error';
}

describe('append-only tables', () => {
  it.each(APPEND_ONLY)(
    '%s refuses UPDATE, DELETE and TRUNCATE, even for its owner',
    async (table) => {
      const column =
        table === 'case_event_recipient' || table === 'case_event_acknowledgement'
          ? 'unit_id'
          : 'id';
      expect(await failure(server.owner, `UPDATE ${table} SET ${column} = ${column}`)).toContain(
        'append-only',
      );
      expect(await failure(server.owner, `DELETE FROM ${table}`)).toContain('append-only');
      expect(await failure(server.owner, `TRUNCATE ${table} CASCADE`)).toContain('append-only');
      expect(await failure(app, `UPDATE ${table} SET ${column} = ${column}`)).toMatch(
        /permission denied|append-only/,
      );
      expect(await failure(app, `DELETE FROM ${table}`)).toMatch(/permission denied|append-only/);
    },
  );

  it('keeps every event after the attempts', async () => {
    const { rows } = await server.owner.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM case_event',
    );
    expect(rows[0]!.n).toBe(eventsBefore);
    expect(eventsBefore).toBeGreaterThan(400);
  });

  it('gives the API role no way to change reference data or disable triggers', async () => {
    expect(await failure(app, `UPDATE unit SET name = 'x'`)).toContain('permission denied');
    expect(
      await failure(
        app,
        `INSERT INTO organization (hsa_id, name, kind, org_number) VALUES ('SE1234567890-X', 'x', 'CARE_PROVIDER', '1234567890')`,
      ),
    ).toContain('permission denied');
    expect(
      await failure(app, 'ALTER TABLE case_event DISABLE TRIGGER case_event_append_only'),
    ).toContain('must be owner');
    expect(await failure(app, `UPDATE "case" SET version = version`)).toBe('no error');
  });

  it('rejects an HSA-ID of the wrong form at the database too', async () => {
    expect(
      await failure(
        server.owner,
        `INSERT INTO organization (hsa_id, name, kind, org_number) VALUES ('SE12-X', 'x', 'CARE_PROVIDER', '1234567890')`,
      ),
    ).toContain('hsa_id');
  });
});

describe('schema.prisma and the migrations agree', () => {
  interface Column {
    table_name: string;
    column_name: string;
    is_nullable: 'YES' | 'NO';
    data_type: string;
    udt_name: string;
    table_type: 'BASE TABLE' | 'VIEW';
  }

  const expectedTypes: Record<string, string[]> = {
    String: ['text', 'uuid', 'hsa_id'],
    Int: ['int4'],
    BigInt: ['int8'],
    Boolean: ['bool'],
    DateTime: ['timestamptz', 'date'],
    Json: ['jsonb'],
    Decimal: ['numeric'],
  };

  it('has a table and a column of a fitting type and nullability for every model field, and nothing more', async () => {
    const runtime = (
      server.db.prisma as unknown as {
        _runtimeDataModel: {
          models: Record<
            string,
            { dbName: string | null; fields: { name: string; dbName?: string }[] }
          >;
        };
      }
    )._runtimeDataModel.models;
    const pothos = getDatamodel().datamodel.models as unknown as Record<
      string,
      {
        fields: {
          name: string;
          kind: string;
          type: string;
          isRequired: boolean;
          isList: boolean;
        }[];
      }
    >;
    const { rows } = await server.owner.query<Column>(
      `SELECT c.table_name, c.column_name, c.is_nullable, c.data_type, t.table_type,
              coalesce(c.domain_name, ltrim(c.udt_name, '_')) AS udt_name
       FROM information_schema.columns c
       JOIN information_schema.tables t ON t.table_name = c.table_name AND t.table_schema = c.table_schema
       WHERE c.table_schema = 'public' AND t.table_type IN ('BASE TABLE', 'VIEW')
         AND c.table_name <> 'brygga_migration'`,
    );
    const columns = new Map(rows.map((r) => [`${r.table_name}.${r.column_name}`, r]));
    const described = new Set<string>();
    const problems: string[] = [];

    for (const [model, { dbName, fields }] of Object.entries(runtime)) {
      const table = dbName ?? model;
      for (const field of pothos[model]!.fields.filter((f) => f.kind !== 'object')) {
        const column = fields.find((f) => f.name === field.name)?.dbName ?? field.name;
        const key = `${table}.${column}`;
        described.add(key);
        const actual = columns.get(key);
        if (!actual) {
          problems.push(`${model}.${field.name}: no column ${key}`);
          continue;
        }
        // PostgreSQL reports every column of a view as nullable.
        const nullable =
          actual.table_type === 'VIEW' ? !field.isRequired : actual.is_nullable === 'YES';
        if (!nullable !== (field.isRequired || field.isList)) {
          problems.push(`${key}: nullability differs (prisma required=${field.isRequired})`);
        }
        if ((actual.data_type === 'ARRAY') !== field.isList)
          problems.push(`${key}: list-ness differs`);
        const fits =
          field.kind === 'enum'
            ? actual.data_type === 'USER-DEFINED' || actual.data_type === 'ARRAY'
            : expectedTypes[field.type]?.includes(actual.udt_name);
        if (!fits) problems.push(`${key}: ${actual.udt_name} does not fit ${field.type}`);
      }
    }
    for (const [key, column] of columns)
      if (column.table_type === 'BASE TABLE' && !described.has(key))
        problems.push(`${key}: column not in prisma/*.prisma`);
    expect(problems).toEqual([]);
  });
});

describe('the case names its discharge event', () => {
  /** Cases whose named discharge event is not their latest DISCHARGED event. */
  const DISAGREEING = `
    SELECT c.id FROM "case" c
    WHERE c.discharge_event_id IS DISTINCT FROM (
      SELECT e.id FROM case_event e WHERE e.case_id = c.id AND e.type = 'DISCHARGED'
      ORDER BY e.sequence DESC LIMIT 1)`;

  /** Runs `work` as the API's role in a transaction that is rolled back. */
  async function asApp<T>(work: () => Promise<T>): Promise<T> {
    await app.query('BEGIN');
    try {
      return await work();
    } finally {
      await app.query('ROLLBACK');
    }
  }

  const insertEvent = (caseId: string, sequence: number, type: string) =>
    app.query<{ id: string }>(
      `INSERT INTO case_event (case_id, sequence, type, author_hsa_id, author_name, author_unit_id, occurred_at, payload)
       SELECT $1, $2, $3, 'SE2321000016-STAF1', 'Ward Nurse', p.unit_id, now(), '{}'
       FROM case_party p WHERE p.case_id = $1 LIMIT 1 RETURNING id`,
      [caseId, sequence, type],
    );
  const named = async (caseId: string) =>
    (
      await app.query<{ id: string | null }>(
        'SELECT discharge_event_id AS id FROM "case" WHERE id = $1',
        [caseId],
      )
    ).rows[0]!.id;

  it('agrees with the event list for every case of the demo', async () => {
    const { rows } = await server.owner.query(DISAGREEING);
    expect(rows).toEqual([]);
    const { rows: discharged } = await server.owner.query(
      'SELECT 1 FROM "case" WHERE discharge_event_id IS NOT NULL',
    );
    expect(discharged.length).toBeGreaterThan(0);
  });

  it('follows the latest DISCHARGED event by sequence, whoever writes it and in any order', async () => {
    const { rows } = await server.owner.query<{ id: string; last: number }>(
      `SELECT c.id, max(e.sequence) AS last FROM "case" c JOIN case_event e ON e.case_id = c.id
       WHERE c.discharge_event_id IS NULL GROUP BY c.id ORDER BY c.id LIMIT 1`,
    );
    const { id: caseId, last } = rows[0]!;
    await asApp(async () => {
      await insertEvent(caseId, last + 1, 'NOTE_ADDED');
      expect(await named(caseId)).toBeNull();
      const later = (await insertEvent(caseId, last + 3, 'DISCHARGED')).rows[0]!.id;
      expect(await named(caseId)).toBe(later);
      // An earlier DISCHARGED event written afterwards does not take its place.
      await insertEvent(caseId, last + 2, 'DISCHARGED');
      expect(await named(caseId)).toBe(later);
      const latest = (await insertEvent(caseId, last + 4, 'DISCHARGED')).rows[0]!.id;
      expect(await named(caseId)).toBe(latest);
      expect((await app.query(DISAGREEING)).rows).toEqual([]);
    });
  });

  it('names one case per event, and only an event that exists', async () => {
    const { rows } = await server.owner.query<{ id: string; event: string }>(
      `SELECT (SELECT id FROM "case" WHERE discharge_event_id IS NULL ORDER BY id LIMIT 1) AS id,
              (SELECT discharge_event_id FROM "case" WHERE discharge_event_id IS NOT NULL
               ORDER BY id LIMIT 1) AS event`,
    );
    const { id: other, event } = rows[0]!;
    const attempt = (sql: string, ...values: unknown[]) =>
      asApp(async () => {
        try {
          await app.query(sql, values);
          // The foreign key is checked at commit; ask for it now.
          await app.query('SET CONSTRAINTS ALL IMMEDIATE');
          return 'no error';
        } catch (error) {
          return (error as Error).message;
        }
      });
    expect(
      await attempt('UPDATE "case" SET discharge_event_id = $1 WHERE id = $2', event, other),
    ).toMatch(/case_discharge_event_id_key/);
    expect(
      await attempt(
        'UPDATE "case" SET discharge_event_id = gen_random_uuid() WHERE id = $1',
        other,
      ),
    ).toMatch(/case_discharge_event_id_fkey/);
  });
});
