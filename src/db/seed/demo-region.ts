import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { type CaseCommand, CaseService } from '../../cases/case-service.js';
import * as commands from '../../domain/case/commands.js';
import type { Actor } from '../../domain/case/model.js';
import { DatabasePopulationRegister } from '../../registers/population-register.js';
import { connectDatabase } from '../client.js';
import { UnitDirectory } from '../unit-directory.js';
import {
  demoResidents,
  HOME_AREAS,
  ORGANIZATIONS,
  UNITS,
  WARD_DANDERYD_ORTOPEDI,
  WARD_HUDDINGE_GERIATRIK,
  WARD_KAROLINSKA_GERIATRIK,
  WARD_KAROLINSKA_MEDICIN,
  WARD_PSYKIATRI_SODRA,
  WARD_SODERSJUKHUSET_MEDICIN,
} from './demo-reference-data.js';
import { SAMPLE_DISCHARGE_INFORMATION, SAMPLE_PLANNING_BASIS } from './sample-content.js';

/**
 * Seeds the demo region: reference data (organisations, units, the population register
 * and listings) straight into the tables, then 60 cases driven through the real workflow
 * commands, so every case and event list is one the API itself could have produced.
 * Cases are spread over every status, with care plans, notes (some locked), consent,
 * a withdrawn ready notice, a transfer of responsibility and a compulsory-care case.
 */

export const DEMO_CASE_COUNT = 60;
const HOUR = 3_600_000;

/** A demo staff member of each unit: HSA-ID is the unit's HSA-ID with a "P1" suffix. */
export function demoStaffHsaId(unitHsaId: string): string {
  return `${unitHsaId}P1`;
}

const STAFF_NAMES = [
  'Anna Berg',
  'Johan Ek',
  'Sara Lind',
  'Per Holm',
  'Eva Strand',
  'Mats Nord',
  'Lena Ås',
  'Karin Sjö',
];

export async function seedDemoRegion(
  databaseUrl: string,
  options: { onlyIfEmpty?: boolean; now?: Date } = {},
): Promise<{ cases: number } | null> {
  const owner = new pg.Client({ connectionString: databaseUrl });
  await owner.connect();
  try {
    const { rows } = await owner.query<{ n: string }>('SELECT count(*) AS n FROM organization');
    if (options.onlyIfEmpty && Number(rows[0]!.n) > 0) return null;
    await insertReferenceData(owner);
  } finally {
    await owner.end();
  }

  const realNow = options.now ?? new Date();
  let clock = new Date(realNow.getTime() - 25 * 24 * HOUR);
  const db = connectDatabase(databaseUrl, { appRole: 'brygga_app', poolSize: 2 });
  try {
    const cases = new CaseService(
      db.prisma,
      new DatabasePopulationRegister(db.prisma),
      new UnitDirectory(db.prisma),
      () => clock,
    );
    const unitRows = await db.prisma.unit.findMany({
      select: { id: true, hsaId: true, organizationId: true, kind: true },
    });
    const units = new Map(unitRows.map((u) => [u.hsaId, u]));
    const actorAt = (hsaId: string, index = 0): Actor => {
      const unit = units.get(hsaId)!;
      return {
        hsaId: demoStaffHsaId(hsaId),
        name: STAFF_NAMES[(index + hsaId.length) % STAFF_NAMES.length]!,
        unitId: unit.id,
        organizationId: unit.organizationId,
      };
    };
    const wards = [
      WARD_KAROLINSKA_GERIATRIK,
      WARD_SODERSJUKHUSET_MEDICIN,
      WARD_DANDERYD_ORTOPEDI,
      WARD_HUDDINGE_GERIATRIK,
      WARD_KAROLINSKA_MEDICIN,
    ];
    const residents = demoResidents(80);
    for (let i = 0; i < DEMO_CASE_COUNT; i++) {
      clock = new Date(realNow.getTime() - (25 * 24 - i * 8) * HOUR);
      const resident = residents[i]!;
      const area = HOME_AREAS.find((a) => a.home === resident.homeOrganizationHsaId)!;
      const psychiatric = i % 15 === 7;
      const ward = actorAt(psychiatric ? WARD_PSYKIATRI_SODRA : wards[i % wards.length]!, i);
      const social = actorAt(area.social, i);
      const municipalityParties: commands.MunicipalityPartyInput[] = [
        { unitId: social.unitId, role: 'MUNICIPAL_SOCIAL_SERVICES' },
      ];
      if (area.health && i % 3 === 0) {
        municipalityParties.push({
          unitId: units.get(area.health)!.id,
          role: 'MUNICIPAL_HEALTH_CARE',
        });
      }
      const { caseId } = await cases.openCase(ward, {
        personalIdentityNumber: resident.personalIdentityNumber,
        admittedAt: new Date(clock.getTime() - (2 + (i % 20)) * HOUR),
        psychiatric,
        compulsoryCare: psychiatric && i % 2 === 1 ? 'OPT' : 'NONE',
        municipalityParties,
        expectedNeeds: 'Hemtjänst och trygghetslarm bedöms behövas efter utskrivning.',
      });
      const primaryCare = resident.listedAtHsaId ? actorAt(resident.listedAtHsaId, i) : null;
      await advance(
        cases,
        caseId,
        i,
        { ward, social, primaryCare },
        () => clock,
        (ms) => {
          clock = new Date(clock.getTime() + ms);
        },
        async (id) =>
          (
            await db.prisma.caseEvent.findFirstOrThrow({
              where: { caseId: id, sequence: 1 },
              select: { id: true },
            })
          ).id,
      );
    }
  } finally {
    await db.close();
  }
  return { cases: DEMO_CASE_COUNT };
}

async function insertReferenceData(client: pg.Client): Promise<void> {
  await client.query('BEGIN');
  try {
    for (const org of ORGANIZATIONS) {
      await client.query(
        `INSERT INTO organization (hsa_id, name, kind, org_number, municipality_code, parent_id)
         VALUES ($1, $2, $3, $4, $5, (SELECT id FROM organization WHERE hsa_id = $6))`,
        [org.hsaId, org.name, org.kind, org.orgNumber, org.municipalityCode, org.parentHsaId],
      );
    }
    // The demo organisations are public bodies, which purge only under a retention
    // decision (gallringsbeslut): each has one for every class it decides, so the demo
    // purges under the defaults (src/retention/README.md, "Owners' control").
    await client.query(
      `INSERT INTO retention_decision (organization_id, record_class, reference, decided_on, decided_by,
         recorded_by_hsa_id, recorded_by_name)
       SELECT o.id, c.record_class::retention_record_class, 'DEMO-GALLRING-2020', '2020-01-01',
              'Demo: ' || o.name || ', nämnd', 'demo-seed', 'Demo seed'
       FROM organization o CROSS JOIN unnest(ARRAY['CASE', 'INVOICE_BASIS', 'ACCESS_LOG']) AS c(record_class)
       WHERE o.parent_id IS NULL`,
    );
    for (const u of UNITS) {
      await client.query(
        `INSERT INTO unit (hsa_id, name, kind, organization_id, municipality_code, phone, email, address)
         VALUES ($1, $2, $3, (SELECT id FROM organization WHERE hsa_id = $4), $5, $6, $7, $8)`,
        [
          u.hsaId,
          u.name,
          u.kind,
          u.organizationHsaId,
          u.municipalityCode,
          u.phone,
          u.email,
          u.address,
        ],
      );
    }
    for (const r of demoResidents(80)) {
      await client.query(
        `INSERT INTO population_register_entry
           (personal_identity_number, given_name, family_name, protected_identity, municipality_code, home_organization_hsa_id)
         VALUES ($1, $2, $3, $4, $5, $6)`,
        [
          r.personalIdentityNumber,
          r.givenName,
          r.familyName,
          r.protectedIdentity,
          r.municipalityCode,
          r.homeOrganizationHsaId,
        ],
      );
      if (r.listedAtHsaId) {
        await client.query(
          `INSERT INTO primary_care_listing (personal_identity_number, unit_id, listed_since)
           VALUES ($1, (SELECT id FROM unit WHERE hsa_id = $2), DATE '2015-01-01')`,
          [r.personalIdentityNumber, r.listedAtHsaId],
        );
      }
    }
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  }
}

interface Cast {
  ward: Actor;
  social: Actor;
  primaryCare: Actor | null;
}

/**
 * Moves case `i` along the process; `i % 6` decides how far (0: just admitted … 5:
 * closed), and a few indices add the less common paths.
 */
async function advance(
  cases: CaseService,
  caseId: string,
  i: number,
  cast: Cast,
  now: () => Date,
  tick: (ms: number) => void,
  admissionNoticeId: (caseId: string) => Promise<string>,
): Promise<void> {
  const run = async <I>(actor: Actor, command: CaseCommand<I>, input: I) => {
    tick(HOUR);
    await cases.execute(caseId, actor, null, command, input);
  };
  const stage = i % 6;
  if (i % 2 === 0) {
    await run(cast.social, commands.acknowledge, { eventId: await admissionNoticeId(caseId) });
  }
  if (stage === 0) return;

  await run(cast.ward, commands.sendPlanningBasis, SAMPLE_PLANNING_BASIS);
  const contactUnit = cast.primaryCare ?? cast.ward;
  await run(contactUnit, commands.appointFixedCareContact, {
    name: cast.primaryCare ? 'Distriktssköterska Maria Lund' : 'Sjuksköterska Ali Khan',
    hsaId: null,
    unitId: contactUnit.unitId,
  } satisfies commands.AppointFixedCareContactInput);
  if (i % 4 === 1) {
    await run(cast.social, commands.addNote, {
      noteId: randomUUID(),
      text: 'Biståndsbeslut om hemtjänst fattat, start dagen efter hemgång.',
      lockedToOrganization: false,
    } satisfies commands.AddNoteInput);
  }
  if (i % 8 === 3) {
    await run(cast.social, commands.addNote, {
      noteId: randomUUID(),
      text: 'Intern anteckning: anhörig har hört av sig om boendesituationen.',
      lockedToOrganization: true,
    } satisfies commands.AddNoteInput);
  }
  if (stage === 1) return;

  await run(cast.ward, commands.notifyReadyForDischarge, {
    readyAt: now(),
  } satisfies commands.NotifyReadyForDischargeInput);
  if (i % 12 === 2) {
    await run(cast.ward, commands.withdrawReadyForDischarge, {
      reason: 'Ny infektion, behandlas på avdelningen.',
    });
    await run(cast.ward, commands.notifyReadyForDischarge, { readyAt: now() });
  }
  await run(cast.ward, commands.recordConsent, {
    consent: 'GIVEN',
    note: null,
  } satisfies commands.RecordConsentInput);
  const participants = [
    cast.ward.unitId,
    cast.social.unitId,
    ...(cast.primaryCare ? [cast.primaryCare.unitId] : []),
  ];
  await run(contactUnit, commands.callToSip, {
    meetingAt: new Date(now().getTime() + 24 * HOUR),
    participantUnitIds: participants,
    message: 'Välkomna till samordnad individuell planering.',
  } satisfies commands.CallToSipInput);
  const carePlanId = randomUUID();
  await run(contactUnit, commands.createCarePlan, {
    carePlanId,
    kind: 'SIP',
    summary: 'Hemgång med hemtjänst och hemsjukvård.',
    items: [
      { responsibleUnitId: cast.social.unitId, action: 'Hemtjänst morgon och kväll', dueOn: null },
      { responsibleUnitId: contactUnit.unitId, action: 'Uppföljande hembesök', dueOn: null },
    ],
    participants: [
      { name: 'Patienten', role: 'Patient', unitId: null },
      { name: cast.social.name, role: 'Biståndshandläggare', unitId: cast.social.unitId },
    ],
    followUpOn: null,
    status: 'DRAFT',
  } satisfies commands.CreateCarePlanInput);
  if (stage === 2) return;

  await run(contactUnit, commands.reviseCarePlan, {
    carePlanId,
    expectedVersion: 1,
    summary: 'Hemgång med hemtjänst och hemsjukvård. Överenskommen vid SIP-mötet.',
    items: [
      { responsibleUnitId: cast.social.unitId, action: 'Hemtjänst morgon och kväll', dueOn: null },
      { responsibleUnitId: cast.ward.unitId, action: 'Läkemedelslista skickas med', dueOn: null },
      { responsibleUnitId: contactUnit.unitId, action: 'Uppföljande hembesök', dueOn: null },
    ],
    participants: [
      { name: 'Patienten', role: 'Patient', unitId: null },
      { name: cast.social.name, role: 'Biståndshandläggare', unitId: cast.social.unitId },
    ],
    followUpOn: null,
    status: 'AGREED',
  } satisfies commands.ReviseCarePlanInput);
  await run(cast.ward, commands.announceDischarge, {
    plannedAt: new Date(now().getTime() + 20 * HOUR),
  });
  if (stage === 3) return;

  await run(cast.ward, commands.discharge, {
    dischargedAt: now(),
    information: SAMPLE_DISCHARGE_INFORMATION,
  } satisfies commands.DischargeInput);
  if (stage === 4) return;

  await run(cast.ward, commands.closeCase, {
    reason: 'DISCHARGED',
  } satisfies commands.CloseCaseInput);
}
