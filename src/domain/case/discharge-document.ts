/**
 * The printable information at discharge (trygghetskvitto) the patient takes home: one
 * self-contained HTML document (inline styles, no scripts, no external resources), in
 * Swedish, with every value HTML-escaped. Pure: the same input gives the same document.
 */
import { escapeHtml } from '../escape-html.js';
import type {
  DischargeDestination,
  DischargeInformation,
  MedicationChangeKind,
} from './discharge-information.js';

export interface DischargeDocumentCase {
  /** The case reference staff and patient quote, e.g. BR-2026-000123. */
  reference: string;
  wardName: string;
  dischargedAt: Date;
}

export interface DischargeDocumentPatient {
  name: string;
  personalIdentityNumber: string;
}

const DESTINATION_LABELS: Record<DischargeDestination, string> = {
  HOME: 'Hemmet',
  NURSING_HOME: 'Särskilt boende',
  SHORT_TERM_CARE: 'Korttidsboende',
  OTHER: 'Annat',
};

const MEDICATION_CHANGE_LABELS: Record<MedicationChangeKind, string> = {
  STARTED: 'Nytt',
  CHANGED: 'Ändrat',
  STOPPED: 'Utsatt',
};

const dischargeTime = new Intl.DateTimeFormat('sv-SE', {
  timeZone: 'Europe/Stockholm',
  dateStyle: 'long',
  timeStyle: 'short',
});

// Calendar dates carry no time zone; noon UTC keeps them on the same day when formatted.
const calendarDay = new Intl.DateTimeFormat('sv-SE', { timeZone: 'UTC', dateStyle: 'long' });

const STYLE = [
  'body{font-family:system-ui,sans-serif;line-height:1.45;max-width:44rem;margin:2rem auto;padding:0 1rem;color:#111}',
  'h1{font-size:1.6rem;margin-bottom:.5rem}',
  'h2{font-size:1.15rem;margin-top:1.6rem;border-bottom:1px solid #999}',
  'dl{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem}',
  'dt{font-weight:600}dd{margin:0}',
  'table{border-collapse:collapse;width:100%}',
  'th,td{border:1px solid #999;padding:.3rem .5rem;text-align:left;vertical-align:top}',
  '.text{white-space:pre-line}',
  '.urgent{border:2px solid #111;padding:.5rem 1rem}',
  '@media print{body{margin:0;max-width:none}}',
].join('');

export function renderDischargeInformation(
  info: DischargeInformation,
  caseRef: DischargeDocumentCase,
  patient: DischargeDocumentPatient,
): string {
  const destination =
    info.destinationDetail === null
      ? DESTINATION_LABELS[info.destination]
      : `${DESTINATION_LABELS[info.destination]}: ${info.destinationDetail}`;
  return [
    '<!DOCTYPE html>',
    '<html lang="sv">',
    '<head>',
    '<meta charset="utf-8">',
    `<title>Information vid utskrivning – ${escapeHtml(caseRef.reference)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    '<h1>Information vid utskrivning</h1>',
    '<dl>',
    definition('Patient', patient.name),
    definition('Personnummer', patient.personalIdentityNumber),
    definition('Avdelning', caseRef.wardName),
    definition('Utskriven', dischargeTime.format(caseRef.dischargedAt)),
    definition('Ärende', caseRef.reference),
    '</dl>',
    '<h2>Du skrivs ut till</h2>',
    `<p>${escapeHtml(destination)}</p>`,
    '<h2>Sammanfattning av vårdtiden</h2>',
    `<p class="text">${escapeHtml(info.summary)}</p>`,
    '<h2>Ändringar i dina läkemedel</h2>',
    medicationSection(info),
    '<h2>Uppföljning och kontaktuppgifter</h2>',
    followUpSection(info),
    '<h2>Hemtjänst och hemsjukvård</h2>',
    info.homeCareStartsOn === null
      ? '<p>Ingen hemtjänst eller hemsjukvård är planerad.</p>'
      : `<p>Startar ${escapeHtml(formatCalendarDay(info.homeCareStartsOn))}.</p>`,
    '<h2>Hjälpmedel</h2>',
    list(info.assistiveAids, 'Inga nya hjälpmedel.'),
    '<h2>Sök vård om</h2>',
    '<div class="urgent">',
    `<p class="text">${escapeHtml(info.warningSigns)}</p>`,
    '<p>Vid akut fara för liv eller hälsa: ring 112. Sjukvårdsrådgivning: ring 1177.</p>',
    '</div>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

function definition(term: string, value: string): string {
  return `<dt>${escapeHtml(term)}</dt><dd>${escapeHtml(value)}</dd>`;
}

function list(items: readonly string[], whenEmpty: string): string {
  if (items.length === 0) return `<p>${escapeHtml(whenEmpty)}</p>`;
  return `<ul>${items.map((item) => `<li>${escapeHtml(item)}</li>`).join('')}</ul>`;
}

function medicationSection(info: DischargeInformation): string {
  if (info.medicationChanges.length === 0) return '<p>Inga ändringar.</p>';
  const rows = info.medicationChanges.map(
    (change) =>
      `<tr><td>${escapeHtml(change.medication)}</td>` +
      `<td>${escapeHtml(MEDICATION_CHANGE_LABELS[change.change])}</td>` +
      `<td class="text">${escapeHtml(change.details ?? '')}</td></tr>`,
  );
  return [
    '<table>',
    '<thead><tr><th>Läkemedel</th><th>Ändring</th><th>Kommentar</th></tr></thead>',
    `<tbody>${rows.join('')}</tbody>`,
    '</table>',
  ].join('\n');
}

function followUpSection(info: DischargeInformation): string {
  if (info.followUpContacts.length === 0) return '<p>Ingen uppföljning är planerad.</p>';
  const rows = info.followUpContacts.map(
    (contact) =>
      `<tr><td>${escapeHtml(contact.unitName)}</td>` +
      `<td>${escapeHtml(contact.contactName ?? '')}</td>` +
      `<td>${escapeHtml(contact.phone ?? '')}</td>` +
      `<td>${escapeHtml(contact.when ?? '')}</td></tr>`,
  );
  return [
    '<table>',
    '<thead><tr><th>Mottagning</th><th>Kontaktperson</th><th>Telefon</th><th>När</th></tr></thead>',
    `<tbody>${rows.join('')}</tbody>`,
    '</table>',
  ].join('\n');
}

function formatCalendarDay(isoDate: string): string {
  return calendarDay.format(new Date(`${isoDate}T12:00:00Z`));
}
