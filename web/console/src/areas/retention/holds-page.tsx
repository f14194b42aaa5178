import { useState } from 'react';
import { useMutation, useQuery } from 'urql';
import {
  type ConsoleLegalHoldFragment,
  ConsoleLegalHoldsDocument,
  ConsolePlaceLegalHoldDocument,
  ConsoleReleaseLegalHoldDocument,
  ConsoleRetentionPoliciesDocument,
  type PlaceLegalHoldInput,
} from '../../generated/graphql.js';
import { ErrorNotice } from '../../ui/error-notice.js';
import { InputField, SelectField, TextAreaField } from '../../ui/field.js';
import { FormFooter } from '../../ui/form-footer.js';
import { type Refusal, RefusalNotice } from '../../ui/refusal-notice.js';
import { formatStockholm } from '../../ui/time.js';
import { ReferenceField } from './fields.js';
import { TARGET_LABELS } from './labels.js';

type TargetChoice = 'PATIENT' | 'CASE' | 'ORGANIZATION';

/**
 * Legal holds (spärr mot gallring): while a hold is active nothing of its target (a patient,
 * a case or the whole organisation) is purged. Placing and releasing each need a reason; the
 * API keeps who and when.
 */
export function HoldsPage() {
  const [showReleased, setShowReleased] = useState(false);
  const [holds, reload] = useQuery({
    query: ConsoleLegalHoldsDocument,
    variables: { active: showReleased ? undefined : true },
  });
  const [policies] = useQuery({ query: ConsoleRetentionPoliciesDocument });
  const control = policies.data?.retentionControl;
  const organization =
    control?.__typename === 'RetentionControlSuccess' ? control.data.organization : null;
  return (
    <section aria-labelledby="holds-title">
      <h1 id="holds-title">
        Legal holds <span lang="sv">(spärr mot gallring)</span>
      </h1>
      <PlaceHoldForm organization={organization} onPlaced={() => reload()} />
      <h2>{showReleased ? 'All holds' : 'Active holds'}</h2>
      <label className="check">
        <input
          type="checkbox"
          checked={showReleased}
          onChange={(event) => setShowReleased(event.target.checked)}
        />{' '}
        Show released holds too
      </label>
      <ErrorNotice error={holds.error ?? null} />
      {holds.data && holds.data.legalHolds.length === 0 ? (
        <p className="hint" data-testid="no-holds">
          No {showReleased ? '' : 'active '}holds.
        </p>
      ) : null}
      {holds.data && holds.data.legalHolds.length > 0 ? (
        <table className="plain" data-testid="holds-table">
          <caption className="visually-hidden">Legal holds, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Target</th>
              <th scope="col">Reason</th>
              <th scope="col">Reference</th>
              <th scope="col">Placed</th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {holds.data.legalHolds.map((hold) => (
              <HoldRow key={hold.id} hold={hold} onReleased={() => reload()} />
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}

function targetText(hold: ConsoleLegalHoldFragment): string {
  if (hold.target === 'ORGANIZATION') return `${hold.organization?.name ?? 'Organisation'}`;
  if (hold.target === 'CASE') return `Case ${hold.caseId ?? ''}`;
  return `Patient ${hold.patientId ?? ''}`;
}

function HoldRow({ hold, onReleased }: { hold: ConsoleLegalHoldFragment; onReleased: () => void }) {
  const [releasing, setReleasing] = useState(false);
  const [reason, setReason] = useState('');
  const [refusal, setRefusal] = useState<Refusal | null>(null);
  const [state, release] = useMutation(ConsoleReleaseLegalHoldDocument);
  const label = `${TARGET_LABELS[hold.target]}: ${targetText(hold)}`;
  return (
    <tr data-testid="hold-row">
      <th scope="row">{label}</th>
      <td>{hold.reason}</td>
      <td>{hold.reference ?? '–'}</td>
      <td>
        {formatStockholm(hold.placedAt)}, {hold.placedByName}
      </td>
      <td>
        {hold.active ? (
          releasing ? (
            <form
              aria-label={`Release the hold on ${label}`}
              onSubmit={async (event) => {
                event.preventDefault();
                const result = await release({ input: { id: hold.id, reason } });
                const answer = result.data?.releaseLegalHold;
                if (answer?.__typename === 'RetentionError') setRefusal(answer);
                else if (answer) onReleased();
              }}
            >
              <TextAreaField
                label="Reason for release"
                value={reason}
                onChange={(event) => setReason(event.target.value)}
                rows={2}
              />
              <RefusalNotice refusal={refusal} />
              <ErrorNotice error={state.error ?? null} />
              <button type="submit" className="button" disabled={state.fetching}>
                Release hold
              </button>{' '}
              <button type="button" className="button--quiet" onClick={() => setReleasing(false)}>
                Cancel
              </button>
            </form>
          ) : (
            <>
              <strong>Active</strong>{' '}
              <button
                type="button"
                className="button--small"
                aria-label={`Release… ${label}`}
                onClick={() => setReleasing(true)}
              >
                Release…
              </button>
            </>
          )
        ) : (
          <span data-testid="released">
            Released {hold.releasedAt ? formatStockholm(hold.releasedAt) : ''}:{' '}
            {hold.releasedReason}
          </span>
        )}
      </td>
    </tr>
  );
}

function PlaceHoldForm({
  organization,
  onPlaced,
}: {
  organization: { id: string; name: string } | null;
  onPlaced: () => void;
}) {
  const [target, setTarget] = useState<TargetChoice>('PATIENT');
  const [subject, setSubject] = useState('');
  const [reason, setReason] = useState('');
  const [reference, setReference] = useState('');
  const [refusal, setRefusal] = useState<Refusal | null>(null);
  const [placed, setPlaced] = useState<string | null>(null);
  const [state, place] = useMutation(ConsolePlaceLegalHoldDocument);
  const input = (): PlaceLegalHoldInput => {
    const common = { reason, reference: reference.trim() || undefined };
    if (target === 'ORGANIZATION') return { ...common, organizationId: organization?.id ?? '' };
    if (target === 'CASE') return { ...common, caseId: subject.trim() };
    return { ...common, personalIdentityNumber: subject.trim() };
  };
  return (
    <form
      className="filters"
      aria-label="Place a legal hold"
      onSubmit={async (event) => {
        event.preventDefault();
        setRefusal(null);
        setPlaced(null);
        const result = await place({ input: input() });
        const answer = result.data?.placeLegalHold;
        if (answer?.__typename === 'RetentionError') setRefusal(answer);
        else if (answer?.__typename === 'PlaceLegalHoldSuccess') {
          setPlaced(`Hold placed: ${TARGET_LABELS[answer.data.target]}.`);
          setSubject('');
          setReason('');
          setReference('');
          onPlaced();
        }
      }}
    >
      <h2>
        Place a hold <span lang="sv">(spärra)</span>
      </h2>
      <div className="filters__row">
        <SelectField
          label="What to hold"
          value={target}
          onChange={(event) => setTarget(event.target.value as TargetChoice)}
        >
          <option value="PATIENT">A patient (personnummer)</option>
          <option value="CASE">A case (case id)</option>
          <option value="ORGANIZATION">
            The whole organisation{organization ? ` (${organization.name})` : ''}
          </option>
        </SelectField>
        {target === 'ORGANIZATION' ? null : (
          <InputField
            label={
              target === 'PATIENT' ? (
                <>
                  Patient <span lang="sv">(personnummer)</span>
                </>
              ) : (
                'Case id'
              )
            }
            value={subject}
            onChange={(event) => setSubject(event.target.value)}
            placeholder={target === 'PATIENT' ? 'YYYYMMDD-NNNN' : 'Q2FzZTo…'}
            autoComplete="off"
            spellCheck={false}
          />
        )}
        <ReferenceField value={reference} onChange={setReference} />
      </div>
      <TextAreaField
        label="Reason"
        value={reason}
        onChange={(event) => setReason(event.target.value)}
        rows={2}
      />
      <FormFooter
        refusal={refusal}
        error={state.error}
        done={placed}
        submitting={state.fetching}
        submitLabel="Place hold"
      />
    </form>
  );
}
