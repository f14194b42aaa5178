import { builder } from '../builder.js';

/** Enums shared by several types; descriptions use the process's own words. */

export const CaseStatus = builder.enumType('CaseStatus', {
  description:
    'Where a case (ärende) stands in the discharge process; it only moves forward, except that withdrawing the ready notice (avbrott) returns it to PLANNING.',
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
  description:
    'Whether the patient goes on to compulsory psychiatric outpatient care, which requires a samordnad vårdplan naming the responsible units.',
  values: {
    NONE: { description: 'No compulsory care after discharge (the usual case).' },
    OPT: { description: 'Öppen psykiatrisk tvångsvård (LPT).' },
    ORV: { description: 'Öppen rättspsykiatrisk vård (LRV).' },
  } as const,
});

export const ConsentStatus = builder.enumType('ConsentStatus', {
  description:
    'The patient’s consent (samtycke) to sharing data between region and municipality, as last recorded. Only GIVEN opens the other principal’s data; data needed for payment responsibility is shared regardless.',
  values: {
    NOT_ASKED: {
      description: 'Nobody has recorded the patient’s answer yet (every new case starts here).',
    },
    GIVEN: { description: 'Samtycke: the patient agreed to sharing between the parties.' },
    DECLINED: {
      description:
        'The patient said no: the other principal sees only what payment responsibility needs.',
    },
    CANNOT_BE_OBTAINED: { description: 'The patient cannot express a view.' },
  } as const,
});

export const CaseCloseReason = builder.enumType('CaseCloseReason', {
  description: 'Why a case was closed (avsluta ärendet).',
  values: {
    DISCHARGED: { description: 'The patient was discharged and the coordination is done.' },
    NO_SUPPORT_NEEDED: {
      description:
        'The patient turned out to need no support from the municipality or primary care after discharge.',
    },
    DECEASED: { description: 'The patient died during the stay.' },
    TRANSFERRED_TO_OTHER_CARE: {
      description:
        'The patient moved on to other care (e.g. another hospital), so this case ends without a discharge.',
    },
  } as const,
});

export const CasePartyRole = builder.enumType('CasePartyRole', {
  description:
    'The part a unit plays in a case; it decides which commands the unit may send and which data it may see.',
  values: {
    WARD: {
      description: 'The inpatient ward (slutenvård) that admitted the patient and leads the case.',
    },
    PRIMARY_CARE: {
      description:
        'The primary-care unit (öppenvård / primärvård) where the patient is listed; names the fixed care contact and calls to SIP.',
    },
    MUNICIPAL_SOCIAL_SERVICES: {
      description:
        'The municipality’s (or Stockholm district’s) social services (socialtjänst), e.g. home help.',
    },
    MUNICIPAL_HEALTH_CARE: {
      description:
        'The municipality’s own health care (kommunal hälso- och sjukvård), e.g. home nursing.',
    },
  } as const,
});

export const CaseEventType = builder.enumType('CaseEventType', {
  description:
    'What one entry of a case’s event list (händelselista) records: a message of the process or a change made to the case.',
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
  description: 'Which kind of plan the parties draw up for the time after discharge.',
  values: {
    CARE_PLAN: { description: 'Vårdplan.' },
    SIMPLIFIED_CARE_PLAN: { description: 'Förenklad vårdplan.' },
    SIP: { description: 'Samordnad individuell plan.' },
  } as const,
});

export const CarePlanStatus = builder.enumType('CarePlanStatus', {
  description:
    'Where a care plan stands: drafted, agreed, followed up, closed. It moves only in that order, and a CLOSED plan cannot be revised.',
  values: {
    DRAFT: { description: 'Being written; not binding and not publishable to the patient.' },
    AGREED: {
      description: 'Agreed by the parties; binding, and may be published to the patient (1177).',
    },
    FOLLOWED_UP: {
      description: 'Agreed and since followed up at a follow-up meeting; still in force.',
    },
    CLOSED: { description: 'Final: no longer in force and cannot be revised.' },
  } as const,
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
