import { useEffect, useRef } from 'react';
import type { AccessFlag } from '../../generated/graphql.js';
import { formatStockholm } from '../../ui/time.js';
import type { AccessLogRow } from './access-log-page.js';
import { FlagList } from './flag-list.js';
import { OUTCOME_LABELS } from './flags.js';

/**
 * One access-log row in full (who, where, which patient, why it is flagged), in a panel
 * over the right of the table so the table keeps its width. Focus moves to the panel when
 * it opens; Escape or Close shuts it.
 */
export function EntryDetails({
  entry,
  onClose,
  children,
}: {
  entry: AccessLogRow;
  onClose: () => void;
  children?: React.ReactNode;
}) {
  const heading = useRef<HTMLHeadingElement>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: focus on each newly opened row
  useEffect(() => {
    heading.current?.focus();
  }, [entry.id]);
  // Escape closes it wherever focus is (after a review is recorded, its form is gone).
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') onClose();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);
  return (
    <aside className="details" aria-labelledby="entry-title" data-testid="entry-details">
      <div className="details__head">
        <h2 id="entry-title" tabIndex={-1} ref={heading}>
          Access at {formatStockholm(entry.time)}
        </h2>
        <button type="button" className="button--quiet" onClick={onClose}>
          Close
        </button>
      </div>
      {entry.emergencyReason !== null && entry.emergencyReason !== undefined ? (
        <div className="notice notice--emergency">
          <p>
            <strong>
              Emergency access <span lang="sv">(nödöppning)</span>
            </strong>
            , reason given:
          </p>
          <blockquote data-testid="emergency-reason">{entry.emergencyReason}</blockquote>
        </div>
      ) : null}
      {entry.flags.includes('PATIENT_PORTAL_DISCLOSURE') ? (
        <div className="notice" data-testid="portal-disclosure">
          <p>
            <strong>
              Disclosure to the patient <span lang="sv">(utlämnande till invånaren)</span>
            </strong>
            : the care plans published to the patient, delivered to 1177 Journalen through the
            national platform. The platform is no party of the case, so the row is also flagged “not
            a party”.
          </p>
        </div>
      ) : null}
      <dl className="facts">
        <dt>User</dt>
        <dd>
          {entry.userName} ({entry.userHsaId})
        </dd>
        <dt>Unit</dt>
        <dd>{entry.unitHsaId}</dd>
        <dt>Care provider</dt>
        <dd>{entry.providerHsaId}</dd>
        <dt>Commission, purpose</dt>
        <dd>
          {entry.commissionHsaId ?? '–'}, {entry.purpose}
        </dd>
        <dt>Patient</dt>
        <dd>{entry.personalIdentityNumber}</dd>
        <dt>Activity</dt>
        <dd>
          {entry.activityName} ({entry.activity})
        </dd>
        <dt>Outcome</dt>
        <dd>{OUTCOME_LABELS[entry.outcome]}</dd>
        <dt>Flags</dt>
        <dd>
          <FlagList flags={entry.flags as AccessFlag[]} />
        </dd>
        <dt>Information touched</dt>
        <dd>{entry.categories.join(', ') || '–'}</dd>
        <dt>Patients that day</dt>
        <dd>{entry.userPatientsThatDay}</dd>
        <dt>Operation</dt>
        <dd>
          <code>{entry.operationName ?? '–'}</code> (request {entry.requestId})
        </dd>
      </dl>
      {children}
    </aside>
  );
}
