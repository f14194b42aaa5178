import { useQuery } from 'urql';
import { ConsoleRetentionPoliciesDocument } from '../../generated/graphql.js';
import { ErrorNotice } from '../../ui/error-notice.js';
import { CLASS_LABELS, MODE_LABELS, period } from './labels.js';
import { PurgeModeForm } from './purge-mode-form.js';

/**
 * The retention policies in force for the owner's organisation, one per record class,
 * beside the shortest time the law allows and the decision (gallringsbeslut) each
 * implements; and whether due records are purged automatically or after approval, which
 * the owner chooses here.
 */
export function PoliciesPage() {
  const [{ data, fetching, error }, reload] = useQuery({
    query: ConsoleRetentionPoliciesDocument,
  });
  const control = data?.retentionControl;
  return (
    <section aria-labelledby="policies-title">
      <h1 id="policies-title">
        Retention policies <span lang="sv">(gallringsregler)</span>
      </h1>
      <ErrorNotice error={error ?? null} />
      {fetching && !data ? <p className="loading">Loading policies…</p> : null}
      {control?.__typename === 'RetentionControlSuccess' ? (
        <p data-testid="retention-mode">
          Purge mode for {control.data.organization.name}:{' '}
          <strong>{MODE_LABELS[control.data.mode]}</strong>
        </p>
      ) : null}
      {control?.__typename === 'RetentionControlSuccess' ? (
        <PurgeModeForm
          key={control.data.mode}
          organization={control.data.organization}
          mode={control.data.mode}
          onChanged={() => reload({ requestPolicy: 'network-only' })}
        />
      ) : null}
      {data ? (
        <table className="plain" data-testid="policies-table">
          <caption className="visually-hidden">The policy in force per record class</caption>
          <thead>
            <tr>
              <th scope="col">Records</th>
              <th scope="col">Kept for</th>
              <th scope="col">
                Legal minimum <span lang="sv">(lagkrav)</span>
              </th>
              <th scope="col">Decision</th>
              <th scope="col">
                Under <span lang="sv">(gallringsbeslut)</span>
              </th>
              <th scope="col">Whose</th>
              <th scope="col">Research days</th>
            </tr>
          </thead>
          <tbody>
            {data.effectiveRetention.map((row) => (
              <tr key={row.recordClass}>
                <th scope="row">{CLASS_LABELS[row.recordClass]}</th>
                <td>
                  {row.policy
                    ? period(row.policy.retainMonths, row.policy.retainDays)
                    : 'Follows the cases'}
                </td>
                <td>
                  {row.legalMinimumMonths === null || row.legalMinimumMonths === undefined
                    ? '–'
                    : period(row.legalMinimumMonths)}
                </td>
                <td>{row.policy?.decision ?? '–'}</td>
                <td>
                  {row.policy?.retentionDecision
                    ? `${row.policy.retentionDecision.reference} (${row.policy.retentionDecision.decidedOn})`
                    : '–'}
                </td>
                <td>
                  {row.policy?.organization?.name ?? (row.policy ? 'The law’s default' : '–')}
                </td>
                <td>{row.policy?.keepBirthDays.join(', ') || '–'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}
