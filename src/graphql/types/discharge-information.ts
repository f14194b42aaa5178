import { renderDischargeInformation } from '../../domain/case/commands.js';
import type {
  DischargeDocumentCase,
  DischargeDocumentPatient,
} from '../../domain/case/discharge-document.js';
import type { DischargeInformation as Info } from '../../domain/case/discharge-information.js';
import { builder } from '../builder.js';
import { DischargeDestination, MedicationChangeKind } from './enums.js';

interface DischargeInformationShape {
  caseRef: DischargeDocumentCase;
  patient: DischargeDocumentPatient;
  payload: Record<string, unknown>;
}

export const MedicationChange = builder
  .objectRef<Info['medicationChanges'][number]>('MedicationChange')
  .implement({
    description: 'A medication started, changed or stopped during the stay.',
    fields: (t) => ({
      medication: t.exposeString('medication', {
        description: 'The medication, as the ward wrote it.',
      }),
      change: t.expose('change', {
        type: MedicationChangeKind,
        description: 'Started, changed or stopped.',
      }),
      details: t.exposeString('details', {
        nullable: true,
        description: 'Dose, reason or instructions; null when none were written.',
      }),
    }),
  });

export const FollowUpContact = builder
  .objectRef<Info['followUpContacts'][number]>('FollowUpContact')
  .implement({
    description: 'Whom the patient turns to, or who will contact them, after discharge.',
    fields: (t) => ({
      unitName: t.exposeString('unitName', { description: 'The unit, as the patient knows it.' }),
      contactName: t.exposeString('contactName', {
        nullable: true,
        description: 'A named person there; null when none was given.',
      }),
      phone: t.exposeString('phone', {
        nullable: true,
        description: 'A phone number as written for the patient; null when none was given.',
      }),
      when: t.exposeString('when', {
        nullable: true,
        description: 'When, in words (e.g. "within a week"); null when not said.',
      }),
    }),
  });

function infoOf(shape: DischargeInformationShape): Info {
  return shape.payload.information as Info;
}

export const DischargeInformation = builder
  .objectRef<DischargeInformationShape>('DischargeInformation')
  .implement({
    description: 'Information vid utskrivning (trygghetskvitto): what the patient takes home.',
    fields: (t) => ({
      dischargedAt: t.field({
        type: 'DateTime',
        description: 'When the patient left the ward.',
        resolve: (s) => s.caseRef.dischargedAt,
      }),
      destination: t.field({
        type: DischargeDestination,
        description: 'Where the patient goes.',
        resolve: (s) => infoOf(s).destination,
      }),
      destinationDetail: t.string({
        nullable: true,
        description: 'Where exactly (always given for OTHER); null when not written.',
        resolve: (s) => infoOf(s).destinationDetail,
      }),
      medicationChanges: t.field({
        type: [MedicationChange],
        description: 'Medications started, changed or stopped; empty for none.',
        resolve: (s) => infoOf(s).medicationChanges,
      }),
      followUpContacts: t.field({
        type: [FollowUpContact],
        description: 'Whom the patient turns to after discharge.',
        resolve: (s) => infoOf(s).followUpContacts,
      }),
      homeCareStartsOn: t.field({
        type: 'Date',
        nullable: true,
        description: 'The first day of home care or home health care, if any.',
        resolve: (s) => infoOf(s).homeCareStartsOn,
      }),
      assistiveAids: t.stringList({
        description: 'Aids the patient takes home; empty for none.',
        resolve: (s) => infoOf(s).assistiveAids,
      }),
      warningSigns: t.string({
        description: 'Signs that should make the patient seek care, written for the patient.',
        resolve: (s) => infoOf(s).warningSigns,
      }),
      summary: t.string({
        description: 'The stay and what happens next, written for the patient.',
        resolve: (s) => infoOf(s).summary,
      }),
      printableHtml: t.string({
        description: 'A self-contained HTML document for printing, in Swedish.',
        resolve: (s) => renderDischargeInformation(infoOf(s), s.caseRef, s.patient),
      }),
    }),
  });
