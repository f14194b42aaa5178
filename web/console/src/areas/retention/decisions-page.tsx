import { useQuery } from 'urql';
import { ConsoleRetentionPoliciesDocument } from '../../generated/graphql.js';
import { ErrorNotice } from '../../ui/error-notice.js';
import { DecidePolicyForm } from './decide-policy-form.js';
import { CLASS_LABELS } from './labels.js';
import { RecordDecisionForm } from './record-decision-form.js';

/**
 * The owner's retention decisions (gallringsbeslut): recording one as it was taken (its
 * reference, date and who decided), the decisions recorded so far, and deciding the policy
 * that implements one. The policies page shows which decision each policy in force rests on.
 */
export function DecisionsPage() {
  const [{ data, fetching, error }, reload] = useQuery({
    query: ConsoleRetentionPoliciesDocument,
  });
  const refresh = () => reload({ requestPolicy: 'network-only' });
  const decisions = data?.retentionDecisions ?? [];
  return (
    <section aria-labelledby="decisions-title">
      <h1 id="decisions-title">
        Retention decisions <span lang="sv">(gallringsbeslut)</span>
      </h1>
      <ErrorNotice error={error ?? null} />
      <RecordDecisionForm onRecorded={refresh} />
      <h2>
        Decisions recorded <span lang="sv">(beslut)</span>
      </h2>
      {fetching && !data ? <p className="loading">Loading decisions…</p> : null}
      {data && decisions.length === 0 ? (
        <p className="hint" data-testid="no-decisions">
          No retention decision recorded for your organisation: the law’s defaults apply.
        </p>
      ) : null}
      {decisions.length > 0 ? (
        <table className="plain" data-testid="decisions-table">
          <caption className="visually-hidden">Retention decisions, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Records</th>
              <th scope="col">Reference (diarienummer)</th>
              <th scope="col">Decided on</th>
              <th scope="col">By</th>
              <th scope="col">Organisation</th>
              <th scope="col">Recorded by</th>
            </tr>
          </thead>
          <tbody>
            {decisions.map((decision) => (
              <tr key={decision.id} data-testid="decision-row">
                <td>
                  {CLASS_LABELS[decision.recordClass]}
                  {decision.archiveBeforePurge ? ' – e-archived before purge' : ''}
                </td>
                <th scope="row">{decision.reference}</th>
                <td>{decision.decidedOn}</td>
                <td>{decision.decidedBy}</td>
                <td>{decision.organization.name}</td>
                <td>{decision.recordedByName}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {data ? <DecidePolicyForm decisions={decisions} onDecided={refresh} /> : null}
    </section>
  );
}
