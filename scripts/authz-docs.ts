/**
 * Generates docs/authorization.md from the policy (src/authz/policy.ts) and the field
 * categories declared in the GraphQL schema. `--check` fails when the committed file is
 * stale; `--json` prints the field categories and the policy for tests.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { isObjectType } from 'graphql';
import { FIELD_CATEGORIES } from '../src/authz/field-categories.js';
import {
  EMERGENCY_ACCESS_MINUTES,
  EMERGENCY_ACCESS_ROLES,
  ORGANISATION_WIDE_ROLES,
  POLICY,
  POLICY_VERSION,
} from '../src/authz/policy.js';
import { ROLES } from '../src/authz/roles.js';
import { SEEN_WITH } from '../src/authz/visibility.js';
import { schema } from '../src/graphql/schema.js';

const DOC = new URL('../docs/authorization.md', import.meta.url).pathname;

function fieldCategories(): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  for (const type of Object.values(schema.getTypeMap()).sort((a, b) =>
    a.name.localeCompare(b.name),
  )) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const [name, field] of Object.entries(type.getFields())) {
      const category = (field.extensions as { category?: string }).category;
      if (!category) continue;
      out[type.name] = { ...out[type.name], [name]: category };
    }
  }
  return out;
}

function render(): string {
  const lines = [
    '# Authorization',
    '',
    `Generated from \`src/authz/policy.ts\` (policy version ${POLICY_VERSION}) and the field categories of the GraphQL schema by \`npm run docs:authz\`. Do not edit by hand.`,
    '',
    '## Rules',
    '',
    `- **Row rule**: a case (and its patient, events, care plans and notes) is visible to roles that read ${SEEN_WITH.case} while the caller’s acting unit takes part in it; an invoice (and its lines) to roles that read ${SEEN_WITH.invoice}, when the acting unit’s organisation is its debtor or creditor;`,
    `  ${ORGANISATION_WIDE_ROLES.join(', ')} see the cases any unit of their organisation takes part in;`,
    `  emergency access (nödöppning, roles ${EMERGENCY_ACCESS_ROLES.join(', ')}) opens one case for ${EMERGENCY_ACCESS_MINUTES} minutes, with a reason, logged and flagged.`,
    '- **Field rule**: each field has a category; a role reads, creates or changes a category only as the table says. Deny by default; several roles give the union.',
    '- **Protected identity**: identity fields of a patient with skyddade personuppgifter count as PROTECTED_IDENTITY.',
    '- **Consent** (samtycke): a grant marked *consent* holds only when the case records the patient’s consent, or for fields needed for payment responsibility.',
    '- **Block** (spärr): when the patient has blocked an organisation taking part in the case, callers outside it get no MEDICAL, SOCIAL or PLANNING fields of the case.',
    '- **Lock** (låsa): a locked note is visible only within the author’s organisation.',
    '- **What a withheld field returns**: `null`, and an entry `{ path, category, reason }` in the response’s `extensions.redactions` (reasons: NOT_SIGNED_IN, NOT_GRANTED, CONSENT_REQUIRED, PATIENT_BLOCK). A field whose category no one who sees its object can be refused (by this table, consent, block or protected identity) is non-null in the schema. Every type with a guarded field also has `redactions: [Redaction!]!` `{ field, category, reason }`: all its fields withheld from the caller, selected or not, decided as the fields are (a normalised cache keeps it with the object); selecting it reads no patient data and writes no access-log row. Root lists a role has no use for (invoices for care staff) are refused with FORBIDDEN. Filtering by a field the caller may not read is refused with FORBIDDEN_FILTER.',
    '',
    '## Roles × categories',
    '',
    `| role | ${FIELD_CATEGORIES.join(' | ')} |`,
    `|---|${FIELD_CATEGORIES.map(() => '---').join('|')}|`,
  ];
  for (const role of ROLES) {
    const cells = FIELD_CATEGORIES.map((category) => {
      const grant = POLICY[role][category];
      if (!grant) return '–';
      const actions = grant.actions
        .map((a) => ({ read: 'R', create: 'C', change: 'H' })[a])
        .join('');
      return grant.condition ? `${actions} (consent)` : actions;
    });
    lines.push(`| ${role} | ${cells.join(' | ')} |`);
  }
  lines.push(`| (unmapped user) | ${FIELD_CATEGORIES.map(() => '–').join(' | ')} |`);
  lines.push('', 'R = read, C = create, H = change.', '', '### Why each grant', '');
  for (const role of ROLES) {
    for (const [category, grant] of Object.entries(POLICY[role])) {
      lines.push(`- ${role} · ${category}: ${grant.need}.`);
    }
  }
  lines.push('', '## Fields and their categories', '');
  for (const [type, fields] of Object.entries(fieldCategories())) {
    lines.push(`### ${type}`, '', '| field | category |', '|---|---|');
    for (const [field, category] of Object.entries(fields)) {
      lines.push(
        `| ${field} | ${category === 'BY_OBJECT' ? 'MEDICAL for planning basis and discharge events, else PLANNING' : category} |`,
      );
    }
    lines.push('');
  }
  return `${lines.join('\n').replace(/\n+$/, '')}\n`;
}

if (process.argv.includes('--json')) {
  process.stdout.write(JSON.stringify({ fields: fieldCategories(), policy: POLICY }));
} else if (process.argv.includes('--check')) {
  if ((await readFile(DOC, 'utf8').catch(() => '')) !== render()) {
    process.stderr.write('docs/authorization.md is stale: run `npm run docs:authz`\n');
    process.exit(1);
  }
} else {
  await writeFile(DOC, render());
  process.stdout.write(`wrote ${DOC}\n`);
}
