import type * as commands from '../../domain/case/commands.js';

/**
 * The invented people and clinical texts both seeds use: the demo region
 * (demo-reference-data.ts, demo-region.ts) and the region-year of `npm run seed:scale`.
 * None of it is about a real person; the personal identity numbers are built elsewhere
 * from the Skatteverket test series.
 */

export const GIVEN_NAMES: readonly string[] = [
  'Astrid',
  'Gunnar',
  'Ingrid',
  'Sven',
  'Margit',
  'Olof',
  'Birgitta',
  'Karl',
  'Elsa',
  'Nils',
  'Signe',
  'Erik',
  'Maj',
  'Lennart',
  'Gun',
  'Bertil',
  'Anna',
  'Johan',
  'Sara',
  'Per',
  'Eva',
  'Mats',
  'Lena',
  'Karin',
  'Ali',
  'Fatima',
  'Mohammed',
  'Leila',
  'Jonas',
  'Maria',
];

export const FAMILY_NAMES: readonly string[] = [
  'Andersson',
  'Johansson',
  'Karlsson',
  'Nilsson',
  'Eriksson',
  'Larsson',
  'Olsson',
  'Persson',
  'Svensson',
  'Gustafsson',
  'Pettersson',
  'Jonsson',
  'Lindberg',
  'Lindqvist',
  'Berg',
  'Holm',
  'Sandberg',
  'Ek',
  'Lund',
  'Strand',
  'Hassan',
  'Ahmed',
  'Nord',
  'Sjöberg',
];

/** A ward's planning basis for an older patient after a hip fracture. */
export const SAMPLE_PLANNING_BASIS: commands.SendPlanningBasisInput = {
  diagnosisSummary: 'Höftfraktur, opererad. Stabil.',
  functionalStatus: 'Går med rollator, behöver stöd vid förflyttning.',
  adl: {
    bathing: 'DEPENDENT',
    dressing: 'PARTLY_DEPENDENT',
    toileting: 'PARTLY_DEPENDENT',
    transferring: 'PARTLY_DEPENDENT',
    continence: 'INDEPENDENT',
    feeding: 'INDEPENDENT',
  },
  livingSituation: 'Bor ensam i lägenhet med hiss.',
  expectedNeeds: 'Hemtjänst morgon och kväll, trygghetslarm.',
  assistiveAids: ['Rollator'],
  estimatedReadyOn: null,
};

/** The discharge information that goes home with the same patient. */
export const SAMPLE_DISCHARGE_INFORMATION: commands.DischargeInput['information'] = {
  destination: 'HOME',
  destinationDetail: null,
  medicationChanges: [
    {
      medication: 'Alvedon 500 mg',
      change: 'STARTED',
      details: '2 tabletter vid behov, högst 8 per dygn',
    },
  ],
  followUpContacts: [
    {
      unitName: 'Vårdcentralen',
      contactName: null,
      phone: '08-123 100 01',
      when: 'Inom två veckor',
    },
  ],
  homeCareStartsOn: null,
  assistiveAids: ['Rollator'],
  warningSigns: 'Sök vård vid feber över 38,5 eller ökande smärta.',
  summary: 'Opererad för höftfraktur. Återhämtning går bra.',
};
