import { builder } from '../builder.js';

/** Enums shared by several types; descriptions use the process's own words. */

export const CaseStatus = builder.enumType('CaseStatus', {
  values: {
    PLANNING: { description: 'Admission notice sent; the parties plan the discharge.' },
    READY_FOR_DISCHARGE: {
      description: 'Utskrivningsklar: the physician judged the patient ready.',
    },
    DISCHARGE_ANNOUNCED: { description: 'The ward announced the discharge date.' },
    DISCHARGED: { description: 'Utskriven.' },
    CLOSED: { description: 'Ärendet avslutat.' },
  } as const,
});

export const CompulsoryCare = builder.enumType('CompulsoryCare', {
  values: {
    NONE: {},
    OPT: { description: 'Öppen psykiatrisk tvångsvård (LPT).' },
    ORV: { description: 'Öppen rättspsykiatrisk vård (LRV).' },
  } as const,
});

export const ConsentStatus = builder.enumType('ConsentStatus', {
  values: {
    NOT_ASKED: {},
    GIVEN: { description: 'Samtycke: the patient agreed to sharing between the parties.' },
    DECLINED: {},
    CANNOT_BE_OBTAINED: { description: 'The patient cannot express a view.' },
  } as const,
});

export const CaseCloseReason = builder.enumType('CaseCloseReason', {
  values: ['DISCHARGED', 'NO_SUPPORT_NEEDED', 'DECEASED', 'TRANSFERRED_TO_OTHER_CARE'] as const,
});

export const CasePartyRole = builder.enumType('CasePartyRole', {
  values: ['WARD', 'PRIMARY_CARE', 'MUNICIPAL_SOCIAL_SERVICES', 'MUNICIPAL_HEALTH_CARE'] as const,
});

export const CaseEventType = builder.enumType('CaseEventType', {
  values: {
    ADMISSION_NOTICE_SENT: { description: 'Inskrivningsmeddelande.' },
    ACKNOWLEDGED: { description: 'Kvittens.' },
    PLANNING_BASIS_SENT: { description: 'Planeringsunderlag.' },
    FIXED_CARE_CONTACT_APPOINTED: { description: 'Fast vårdkontakt utsedd.' },
    READY_FOR_DISCHARGE_NOTIFIED: { description: 'Utskrivningsklar.' },
    READY_FOR_DISCHARGE_WITHDRAWN: { description: 'Avbrott i utskrivningsklar.' },
    SIP_CALLED: { description: 'Kallelse till SIP.' },
    CARE_PLAN_CREATED: { description: 'Vårdplan / SIP upprättad.' },
    CARE_PLAN_REVISED: { description: 'Vårdplan / SIP reviderad.' },
    CARE_PLAN_PUBLISHED_TO_PATIENT: {
      description:
        'A care-plan version published to the patient (1177, through the national GetCarePlans contract).',
    },
    CARE_PLAN_PUBLICATION_WITHDRAWN: {
      description: 'A care plan withdrawn from the patient’s portal (1177): no longer published.',
    },
    DISCHARGE_ANNOUNCED: { description: 'Utskrivningsmeddelande (planned date).' },
    DISCHARGED: { description: 'Utskrivning with information vid utskrivning.' },
    MESSAGE_ANNULLED: { description: 'Makulering.' },
    RESPONSIBILITY_TRANSFERRED: { description: 'Ansvarsöverflyttning.' },
    NOTE_ADDED: { description: 'Chat / tilläggsanteckning.' },
    CONSENT_RECORDED: { description: 'Samtycke registrerat.' },
    CASE_CLOSED: { description: 'Ärendet avslutat.' },
  } as const,
});

export const CarePlanKind = builder.enumType('CarePlanKind', {
  values: {
    CARE_PLAN: { description: 'Vårdplan.' },
    SIMPLIFIED_CARE_PLAN: { description: 'Förenklad vårdplan.' },
    SIP: { description: 'Samordnad individuell plan.' },
  } as const,
});

export const CarePlanStatus = builder.enumType('CarePlanStatus', {
  values: ['DRAFT', 'AGREED', 'FOLLOWED_UP', 'CLOSED'] as const,
});

export const DischargeDestination = builder.enumType('DischargeDestination', {
  description: 'Where the patient goes from the ward.',
  values: {
    HOME: { description: 'Home, with or without home care.' },
    NURSING_HOME: { description: 'Särskilt boende (a nursing home).' },
    SHORT_TERM_CARE: { description: 'Korttidsboende (short-term care).' },
    OTHER: { description: 'Elsewhere; `destinationDetail` says where.' },
  } as const,
});

export const MedicationChangeKind = builder.enumType('MedicationChangeKind', {
  description: 'What happened to a medication during the stay.',
  values: {
    STARTED: { description: 'A new medication, started in hospital.' },
    CHANGED: { description: 'Dose or form changed.' },
    STOPPED: { description: 'The medication was stopped.' },
  } as const,
});

export const AdlLevel = builder.enumType('AdlLevel', {
  description: 'How far the patient manages one activity of daily living (Katz ADL index).',
  values: {
    INDEPENDENT: { description: 'Manages the activity without help.' },
    PARTLY_DEPENDENT: { description: 'Needs some help.' },
    DEPENDENT: { description: 'Needs help with all of it.' },
    NOT_ASSESSED: { description: 'The ward has not assessed this activity.' },
  } as const,
});
