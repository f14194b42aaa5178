import { useState } from 'react';
import { useMutation, useQuery } from 'urql';
import {
  ConsoleDecideRetentionProposalDocument,
  type ConsolePurgeRecordFragment,
  ConsolePurgeRecordsDocument,
  ConsoleRetentionPoliciesDocument,
  type RetentionRunMode,
} from '../../generated/graphql.js';
import { ErrorNotice } from '../../ui/error-notice.js';
import { SelectField, TextAreaField } from '../../ui/field.js';
import { formatStockholm } from '../../ui/time.js';
import { CLASS_LABELS } from './labels.js';

const LIMIT = 50;

/** One run's counts for the owner's organisation (and its districts), never what was purged. */
function Counts({ record }: { record: ConsolePurgeRecordFragment }) {
  if (record.organizationCounts.length === 0) {
    return <p className="hint">Nothing of your organisation’s was due in this run.</p>;
  }
  const dry = record.mode === 'DRY_RUN';
  return (
    <table className="plain" data-testid="purge-counts">
      <caption className="visually-hidden">Counts per organisation and record class</caption>
      <thead>
        <tr>
          <th scope="col">Organisation</th>
          <th scope="col">Records</th>
          <th scope="col">{dry ? 'Would be purged' : 'Purged'}</th>
          <th scope="col">Kept by a hold</th>
          <th scope="col">Kept for research</th>
          <th scope="col">Oldest – newest</th>
          <th scope="col">Under decision</th>
        </tr>
      </thead>
      <tbody>
        {record.organizationCounts.map((line) => (
          <tr key={`${line.organization.name}-${line.recordClass}`}>
            <td>{line.organization.name}</td>
            <td>{CLASS_LABELS[line.recordClass]}</td>
            <td>{line.purged}</td>
            <td>{line.held}</td>
            <td>{line.keptForResearch}</td>
            <td>
              {line.earliest ? formatStockholm(line.earliest).slice(0, 10) : '–'} –{' '}
              {line.latest ? formatStockholm(line.latest).slice(0, 10) : '–'}
            </td>
            <td>{line.policy?.decision ?? '–'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

const STATUS_LABELS = { RUNNING: 'Running', SUCCEEDED: 'Finished', FAILED: 'Failed' } as const;

/**
 * What the next run would purge (the newest dry run, which is a proposal the owner approves
 * or rejects when their organisation purges after approval), and the purge records
 * (gallringsprotokoll) of earlier runs with the organisation's own counts.
 */
export function PurgeRecordsPage() {
  const [mode, setMode] = useState<RetentionRunMode | ''>('');
  const [selected, setSelected] = useState<string | null>(null);
  const [records, reload] = useQuery({
    query: ConsolePurgeRecordsDocument,
    variables: { mode: mode === '' ? undefined : mode, limit: LIMIT },
  });
  const [dryRuns, reloadDryRuns] = useQuery({
    query: ConsolePurgeRecordsDocument,
    variables: { mode: 'DRY_RUN', limit: 1 },
  });
  const [policies] = useQuery({ query: ConsoleRetentionPoliciesDocument });
  const control = policies.data?.retentionControl;
  const approval =
    control?.__typename === 'RetentionControlSuccess' && control.data.mode === 'APPROVAL';
  const newest = dryRuns.data?.purgeRecords.find((record) => record.status === 'SUCCEEDED');
  const verdict = dryRuns.data?.retentionProposalDecisions.find(
    (decision) => decision.proposal.id === newest?.id,
  );
  const chosen = records.data?.purgeRecords.find((record) => record.id === selected) ?? null;
  return (
    <section aria-labelledby="purge-title">
      <h1 id="purge-title">
        Purge records <span lang="sv">(gallringsprotokoll)</span>
      </h1>
      <h2>
        What the next run would purge <span lang="sv">(provgallring)</span>
      </h2>
      <ErrorNotice error={dryRuns.error ?? null} />
      {dryRuns.data && !newest ? (
        <p className="hint" data-testid="no-dry-run">
          No dry run has finished yet. The scheduler makes one before each purge.
        </p>
      ) : null}
      {newest ? (
        <div data-testid="dry-run">
          <p>
            Dry run for {newest.asOf}, made {formatStockholm(newest.startedAt)} by{' '}
            <code>{newest.startedBy}</code>.
          </p>
          <Counts record={newest} />
          {approval ? (
            verdict ? (
              <p data-testid="verdict">
                {verdict.verdict === 'APPROVED' ? 'Approved' : 'Rejected'} by{' '}
                {verdict.decidedByName} {formatStockholm(verdict.decidedAt)}
                {verdict.comment ? `: ${verdict.comment}` : ''}
              </p>
            ) : (
              <DecideProposal
                proposalId={newest.id}
                onDecided={() => {
                  reloadDryRuns();
                  reload();
                }}
              />
            )
          ) : (
            <p className="hint">
              Your organisation purges automatically: the next run purges these unless a hold keeps
              them.
            </p>
          )}
        </div>
      ) : null}

      <h2>Earlier runs</h2>
      <div className="filters__row">
        <SelectField
          label="Show"
          value={mode}
          onChange={(event) => setMode(event.target.value as RetentionRunMode | '')}
        >
          <option value="">All runs</option>
          <option value="PURGE">Purges</option>
          <option value="DRY_RUN">Dry runs</option>
        </SelectField>
      </div>
      <ErrorNotice error={records.error ?? null} />
      {records.data && records.data.purgeRecords.length === 0 ? (
        <p className="hint">No runs yet.</p>
      ) : null}
      {records.data && records.data.purgeRecords.length > 0 ? (
        <table className="plain" data-testid="purge-records-table">
          <caption className="visually-hidden">Runs, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Day</th>
              <th scope="col">Kind</th>
              <th scope="col">Status</th>
              <th scope="col">Started</th>
              <th scope="col">By</th>
              <th scope="col">Your records</th>
              <th scope="col">
                <span className="visually-hidden">Details</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {records.data.purgeRecords.map((record) => (
              <tr key={record.id} className={record.id === selected ? 'is-selected' : undefined}>
                <td>{record.asOf}</td>
                <td>{record.mode === 'DRY_RUN' ? 'Dry run' : 'Purge'}</td>
                <td>
                  {STATUS_LABELS[record.status]}
                  {record.error ? `: ${record.error}` : ''}
                </td>
                <td>{formatStockholm(record.startedAt)}</td>
                <td>
                  <code>{record.startedBy}</code>
                </td>
                <td>{record.organizationCounts.reduce((sum, line) => sum + line.purged, 0)}</td>
                <td>
                  <button
                    type="button"
                    className="button--small"
                    aria-pressed={record.id === selected}
                    onClick={() => setSelected(record.id === selected ? null : record.id)}
                  >
                    Counts
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {chosen ? (
        <div className="card" data-testid="purge-record-details">
          <h2>
            {chosen.mode === 'DRY_RUN' ? 'Dry run' : 'Purge'} for {chosen.asOf}
          </h2>
          <Counts record={chosen} />
        </div>
      ) : null}
    </section>
  );
}

function DecideProposal({ proposalId, onDecided }: { proposalId: string; onDecided: () => void }) {
  const [comment, setComment] = useState('');
  const [refusal, setRefusal] = useState<{ code: string; message: string } | null>(null);
  const [state, decide] = useMutation(ConsoleDecideRetentionProposalDocument);
  const submit = async (approve: boolean) => {
    setRefusal(null);
    const result = await decide({
      input: { proposalId, approve, comment: comment.trim() || undefined },
    });
    const answer = result.data?.decideRetentionProposal;
    if (answer?.__typename === 'RetentionError') setRefusal(answer);
    else if (answer) onDecided();
  };
  return (
    <form aria-label="Approve or reject the proposal" onSubmit={(event) => event.preventDefault()}>
      <TextAreaField
        label="Comment (optional)"
        value={comment}
        onChange={(event) => setComment(event.target.value)}
        rows={2}
      />
      {refusal ? (
        <div className="notice notice--error" role="alert">
          <p>
            <code>{refusal.code}</code>: {refusal.message}
          </p>
        </div>
      ) : null}
      <ErrorNotice error={state.error ?? null} />
      <button
        type="button"
        className="button"
        disabled={state.fetching}
        onClick={() => submit(true)}
      >
        Approve the proposal
      </button>{' '}
      <button
        type="button"
        className="button--quiet"
        disabled={state.fetching}
        onClick={() => submit(false)}
      >
        Reject
      </button>
    </form>
  );
}
