/**
 * Information at discharge (information vid utskrivning, "trygghetskvitto"): what the
 * patient and the receiving units are told on the day of discharge. It travels in the
 * DISCHARGED event's payload, so every field is plain JSON (dates as YYYY-MM-DD).
 */
import type { DomainError, Result } from './model.js';
import { fail, ok, refusal } from './result.js';
import {
  checkIsoDate,
  checkListLength,
  checkOptionalText,
  checkText,
  firstRefusal,
  LONG_TEXT,
  optionalText,
  SHORT_TEXT,
  TEXT,
} from './validation.js';

export type DischargeDestination = 'HOME' | 'NURSING_HOME' | 'SHORT_TERM_CARE' | 'OTHER';
export type MedicationChangeKind = 'STARTED' | 'CHANGED' | 'STOPPED';

export const DISCHARGE_DESTINATIONS: readonly DischargeDestination[] = [
  'HOME',
  'NURSING_HOME',
  'SHORT_TERM_CARE',
  'OTHER',
];
export const MEDICATION_CHANGE_KINDS: readonly MedicationChangeKind[] = [
  'STARTED',
  'CHANGED',
  'STOPPED',
];

export interface MedicationChange {
  medication: string;
  change: MedicationChangeKind;
  /** Dose, reason or how long, as the patient should read it. */
  details: string | null;
}

export interface FollowUpContact {
  /** The unit as the patient knows it; the document is printed and taken home. */
  unitName: string;
  contactName: string | null;
  phone: string | null;
  /** When the follow-up happens, in words ("within two weeks", "Monday 3 March"). */
  when: string | null;
}

export interface DischargeInformation {
  destination: DischargeDestination;
  /** Where exactly (e.g. the nursing home's name); required when destination is OTHER. */
  destinationDetail: string | null;
  medicationChanges: MedicationChange[];
  followUpContacts: FollowUpContact[];
  /** First day of home care or home health care, if any. */
  homeCareStartsOn: string | null;
  assistiveAids: string[];
  /** Warning signs and when to seek care. */
  warningSigns: string;
  summary: string;
}

export function parseDischargeInformation(
  info: DischargeInformation,
): Result<DischargeInformation> {
  const refused =
    (DISCHARGE_DESTINATIONS.includes(info.destination)
      ? undefined
      : refusal(
          'INVALID_INPUT',
          `destination must be one of ${DISCHARGE_DESTINATIONS.join(', ')}`,
          'destination',
          { allowed: DISCHARGE_DESTINATIONS.join(', ') },
        )) ??
    (info.destination === 'OTHER'
      ? checkText(info.destinationDetail ?? '', 'destinationDetail', SHORT_TEXT)
      : checkOptionalText(info.destinationDetail, 'destinationDetail', SHORT_TEXT)) ??
    checkListLength(info.medicationChanges, 'medicationChanges', 0) ??
    firstRefusal(info.medicationChanges, checkMedicationChange) ??
    checkListLength(info.followUpContacts, 'followUpContacts', 0) ??
    firstRefusal(info.followUpContacts, checkFollowUpContact) ??
    checkIsoDate(info.homeCareStartsOn, 'homeCareStartsOn') ??
    checkListLength(info.assistiveAids, 'assistiveAids', 0) ??
    firstRefusal(info.assistiveAids, (aid, i) =>
      checkText(aid, `assistiveAids[${i}]`, SHORT_TEXT),
    ) ??
    checkText(info.warningSigns, 'warningSigns', TEXT) ??
    checkText(info.summary, 'summary', LONG_TEXT);
  if (refused) return fail(refused);
  return ok({
    destination: info.destination,
    destinationDetail: optionalText(info.destinationDetail),
    medicationChanges: info.medicationChanges.map((change) => ({
      medication: change.medication.trim(),
      change: change.change,
      details: optionalText(change.details),
    })),
    followUpContacts: info.followUpContacts.map((contact) => ({
      unitName: contact.unitName.trim(),
      contactName: optionalText(contact.contactName),
      phone: optionalText(contact.phone),
      when: optionalText(contact.when),
    })),
    homeCareStartsOn: info.homeCareStartsOn,
    assistiveAids: info.assistiveAids.map((aid) => aid.trim()),
    warningSigns: info.warningSigns.trim(),
    summary: info.summary.trim(),
  });
}

function checkMedicationChange(change: MedicationChange, i: number): DomainError | undefined {
  return (
    checkText(change.medication, `medicationChanges[${i}].medication`, SHORT_TEXT) ??
    (MEDICATION_CHANGE_KINDS.includes(change.change)
      ? undefined
      : refusal(
          'INVALID_INPUT',
          `medicationChanges[${i}].change must be one of ${MEDICATION_CHANGE_KINDS.join(', ')}`,
          `medicationChanges[${i}].change`,
          { allowed: MEDICATION_CHANGE_KINDS.join(', ') },
        )) ??
    checkOptionalText(change.details, `medicationChanges[${i}].details`, TEXT)
  );
}

function checkFollowUpContact(contact: FollowUpContact, i: number): DomainError | undefined {
  return (
    checkText(contact.unitName, `followUpContacts[${i}].unitName`, SHORT_TEXT) ??
    checkOptionalText(contact.contactName, `followUpContacts[${i}].contactName`, SHORT_TEXT) ??
    checkOptionalText(contact.phone, `followUpContacts[${i}].phone`, SHORT_TEXT) ??
    checkOptionalText(contact.when, `followUpContacts[${i}].when`, SHORT_TEXT)
  );
}
