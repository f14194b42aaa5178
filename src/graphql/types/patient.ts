import { responsePathAsArray } from 'graphql';
import { visibleCaseWhere } from '../../authz/case-access.js';
import { decideRegisterName } from '../../authz/register-identity.js';
import { requireGrant } from '../../authz/require-grant.js';
import { parsePersonalIdentityNumber } from '../../domain/personal-identity-number.js';
import { builder } from '../builder.js';
import { BadInputError } from '../errors.js';
import { guard, guardNeverWithheld } from '../field-guard.js';
import { selecting } from '../prisma-query.js';
import { Unit } from './unit.js';

/** A patient's own fields: identity, stricter when the identity is protected. */
const ofPatient = (p: { id: string; protectedIdentity: boolean }) => ({
  caseId: null,
  patientId: p.id,
  protectedIdentity: p.protectedIdentity,
});

export const PatientIdentityKind = builder.enumType('PatientIdentityKind', {
  description: 'Which kind of Swedish identity number a person has.',
  values: {
    PERSONNUMMER: { description: 'Personal identity number from the population register.' },
    SAMORDNINGSNUMMER: { description: 'Co-ordination number (day of birth + 60).' },
  } as const,
});

export const Patient = builder.prismaNode('Patient', {
  id: { field: 'id' },
  // Select mode: a patient is nested in every case of a list, and PostgreSQL built each one
  // as a JSON object of all its columns; now only the ones the query reads, and what the
  // field guard locates by. A column the row carries is answered from it
  // (src/graphql/loaded-column-plugin.ts).
  select: { id: true, protectedIdentity: true },
  description: 'A patient of one or more cases.',
  // A patient is reachable only through a case the caller may see.
  // Not visible reads as absent: node(id) answers null, as for an id that never existed.
  nullable: true,
  findUnique: (id, ctx) => ({ id, cases: { some: visibleCaseWhere(ctx) } }),
  fields: (t) => ({
    personalIdentityNumber: t.exposeString('personalIdentityNumber', {
      ...guard({ category: 'IDENTITY', locate: ofPatient }),
      description:
        'Personnummer or samordningsnummer, 12 digits (YYYYMMDDNNNN); null if withheld from you (as every identity field here; stricter for a protected identity; see `redactions`).',
    }),
    identityKind: t.expose('identityKind', {
      ...guard({ category: 'IDENTITY', locate: ofPatient }),
      type: PatientIdentityKind,
      description: 'Personnummer or samordningsnummer.',
    }),
    givenName: t.exposeString('givenName', {
      ...guard({ category: 'IDENTITY', locate: ofPatient }),
      description: 'Given name, from the population register.',
    }),
    familyName: t.exposeString('familyName', {
      ...guard({ category: 'IDENTITY', locate: ofPatient }),
      description: 'Family name, from the population register.',
    }),
    protectedIdentity: t.exposeBoolean('protectedIdentity', {
      ...guardNeverWithheld({ category: 'ADMINISTRATIVE', locate: ofPatient, seenOn: 'case' }),
      description: 'Skyddade personuppgifter: show name and address only where needed.',
    }),
    homeMunicipalityCode: t.exposeString('homeMunicipalityCode', {
      ...guard({ category: 'IDENTITY', locate: ofPatient }),
      description:
        'The 4-digit code (kommunkod) of the municipality where the patient is registered.',
    }),
    homeOrganization: t.relation('homeOrganization', {
      ...guard({ category: 'IDENTITY', locate: ofPatient }),
      description: 'The municipality or district responsible for the patient.',
    }),
    cases: t.relatedConnection('cases', {
      ...guardNeverWithheld({ category: 'ADMINISTRATIVE', locate: ofPatient, seenOn: 'case' }),
      cursor: 'id',
      totalCount: true,
      description: 'The cases of this patient that the caller may see.',
      query: (_args, ctx) => ({
        where: visibleCaseWhere(ctx),
        orderBy: { admittedAt: 'desc' },
      }),
    }),
  }),
});

/** What the registers say of a person: for the admission notice form. */
const PatientRegisterRecord = builder
  .objectRef<{
    personalIdentityNumber: string;
    identityKind: 'PERSONNUMMER' | 'SAMORDNINGSNUMMER';
    givenName: string | null;
    familyName: string | null;
    protectedIdentity: boolean;
    municipalityCode: string;
    homeOrganizationHsaId: string;
    listedAtUnitHsaId: string | null;
  }>('PatientRegisterRecord')
  .implement({
    description: 'A person as the population register and the primary-care listing know them.',
    fields: (t) => ({
      personalIdentityNumber: t.exposeString('personalIdentityNumber', {
        description: 'The number looked up, normalised to 12 digits (YYYYMMDDNNNN).',
      }),
      identityKind: t.field({
        type: PatientIdentityKind,
        description: 'Personnummer or samordningsnummer.',
        resolve: (r) => r.identityKind,
      }),
      givenName: t.exposeString('givenName', {
        nullable: true,
        description:
          'Null for a protected identity the caller may not see (see extensions.redactions).',
      }),
      familyName: t.exposeString('familyName', {
        nullable: true,
        description:
          'Null for a protected identity the caller may not see (see extensions.redactions).',
      }),
      protectedIdentity: t.exposeBoolean('protectedIdentity', {
        description: 'Skyddade personuppgifter: show name and address only where needed.',
      }),
      municipalityCode: t.exposeString('municipalityCode', {
        description:
          'The 4-digit code (kommunkod) of the municipality where the person is registered.',
      }),
      homeOrganization: t.prismaField({
        type: 'Organization',
        nullable: true,
        description:
          'The municipality or district responsible for the person; null when Brygga does not know it.',
        resolve: (query, r, _args, ctx) =>
          ctx.prisma.organization.findUnique({
            ...selecting(query),
            where: { hsaId: r.homeOrganizationHsaId },
          }),
      }),
      listedAt: t.prismaField({
        type: Unit,
        nullable: true,
        description: 'The primary-care unit where the person is listed, if any.',
        resolve: (query, r, _args, ctx) =>
          r.listedAtUnitHsaId
            ? ctx.prisma.unit.findUnique({
                ...selecting(query),
                where: { hsaId: r.listedAtUnitHsaId! },
              })
            : null,
      }),
    }),
  });

builder.queryField('lookupPatient', (t) =>
  t.field({
    type: PatientRegisterRecord,
    nullable: true,
    description:
      'Look a person up in the population register and the listing service by personnummer or samordningsnummer.',
    authScopes: { actingUnit: true },
    args: {
      personalIdentityNumber: t.arg.string({
        description:
          'Personnummer or samordningsnummer as YYYYMMDDNNNN, YYYYMMDD-NNNN or YYMMDD-NNNN (check digit verified).',
      }),
    },
    resolve: async (_root, args, ctx, info) => {
      requireGrant(ctx, 'IDENTITY');
      const parsed = parsePersonalIdentityNumber(args.personalIdentityNumber);
      if (!parsed.ok) {
        throw new BadInputError(
          'INVALID_PERSONAL_IDENTITY_NUMBER',
          parsed.error.message,
          'personalIdentityNumber',
        );
      }
      const pnr = parsed.value.number;
      const [person, listing] = await Promise.all([
        ctx.services.population.lookup(pnr),
        ctx.services.listing.listingOf(pnr),
      ]);
      if (!person) return null;
      // Every look-up is an access to the person: to the patient when Brygga has a record,
      // otherwise to the person named by personnummer (the log can name a non-patient).
      const known = await ctx.prisma.patient.findUnique({
        where: { personalIdentityNumber: pnr },
        select: { id: true },
      });
      const actingUnitHasCase =
        known !== null &&
        ctx.actor !== null &&
        (await ctx.prisma.caseParty.count({
          where: { unitId: ctx.actor.unitId, leftAt: null, case: { patientId: known.id } },
        })) > 0;
      const decision = decideRegisterName(ctx.principal, {
        protectedIdentity: person.protectedIdentity,
        actingUnitHasCase,
      });
      const hidden = !decision.allowed;
      if (hidden) {
        const path = responsePathAsArray(info.path);
        for (const field of ['givenName', 'familyName']) {
          ctx.redactions.push({
            path: [...path, field],
            category: 'PROTECTED_IDENTITY',
            reason: decision.reason!,
          });
        }
      }
      const subject = known
        ? { patientId: known.id }
        : { patientId: null, personalIdentityNumber: pnr };
      const access = { ...subject, caseId: null, activity: 'READ' as const };
      ctx.access.record({
        ...access,
        categories: [person.protectedIdentity && !hidden ? 'PROTECTED_IDENTITY' : 'IDENTITY'],
      });
      if (hidden) {
        ctx.access.record({ ...access, categories: ['PROTECTED_IDENTITY'], outcome: 'DENIED' });
      }
      return {
        ...person,
        givenName: hidden ? null : person.givenName,
        familyName: hidden ? null : person.familyName,
        identityKind: parsed.value.kind,
        listedAtUnitHsaId: listing?.unitHsaId ?? null,
      };
    },
  }),
);
