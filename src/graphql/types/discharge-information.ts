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
    fields: (t) => ({
      medication: t.exposeString('medication'),
      change: t.expose('change', {
        type: MedicationChangeKind,
        description: 'Started, changed or stopped.',
      }),
      details: t.exposeString('details', { nullable: true }),
    }),
  });

export const FollowUpContact = builder
  .objectRef<Info['followUpContacts'][number]>('FollowUpContact')
  .implement({
    fields: (t) => ({
      unitName: t.exposeString('unitName'),
      contactName: t.exposeString('contactName', { nullable: true }),
      phone: t.exposeString('phone', { nullable: true }),
      when: t.exposeString('when', { nullable: true }),
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
      dischargedAt: t.field({ type: 'DateTime', resolve: (s) => s.caseRef.dischargedAt }),
      destination: t.field({
        type: DischargeDestination,
        description: 'Where the patient goes.',
        resolve: (s) => infoOf(s).destination,
      }),
      destinationDetail: t.string({ nullable: true, resolve: (s) => infoOf(s).destinationDetail }),
      medicationChanges: t.field({
        type: [MedicationChange],
        resolve: (s) => infoOf(s).medicationChanges,
      }),
      followUpContacts: t.field({
        type: [FollowUpContact],
        resolve: (s) => infoOf(s).followUpContacts,
      }),
      homeCareStartsOn: t.field({
        type: 'Date',
        nullable: true,
        description: 'The first day of home care or home health care, if any.',
        resolve: (s) => infoOf(s).homeCareStartsOn,
      }),
      assistiveAids: t.stringList({ resolve: (s) => infoOf(s).assistiveAids }),
      warningSigns: t.string({ resolve: (s) => infoOf(s).warningSigns }),
      summary: t.string({ resolve: (s) => infoOf(s).summary }),
      printableHtml: t.string({
        description: 'A self-contained HTML document for printing, in Swedish.',
        resolve: (s) => renderDischargeInformation(infoOf(s), s.caseRef, s.patient),
      }),
    }),
  });
