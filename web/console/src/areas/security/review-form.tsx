import { useId, useState } from 'react';
import { useMutation } from 'urql';
import {
  type AccessReviewConclusion,
  ConsoleRecordAccessReviewDocument,
  type ConsoleRecordAccessReviewMutation,
} from '../../generated/graphql.js';
import { ErrorNotice } from '../../ui/error-notice.js';
import { TextAreaField } from '../../ui/field.js';
import { type Refusal, RefusalNotice } from '../../ui/refusal-notice.js';
import { formatStockholm } from '../../ui/time.js';

const CONCLUSIONS: { value: AccessReviewConclusion; label: string }[] = [
  { value: 'NO_REMARK', label: 'No remark: the access had a need (utan anmärkning)' },
  { value: 'FOLLOW_UP', label: 'Follow up with the user or their manager (uppföljning)' },
  { value: 'INCIDENT', label: 'Incident: report and handle as such (avvikelse)' },
];

type Recorded = Extract<
  ConsoleRecordAccessReviewMutation['recordAccessReview'],
  { __typename: 'RecordAccessReviewSuccess' }
>['review'];

/**
 * Records the review (logguppföljning) of access-log rows or of a whole sample: a
 * conclusion and a note. The API keeps it for good; it is never changed after.
 */
export function ReviewForm({
  accessLogIds,
  sampleId,
  title,
  onRecorded,
}: {
  accessLogIds?: string[];
  sampleId?: string;
  title: string;
  onRecorded?: (review: Recorded) => void;
}) {
  const id = useId();
  const [{ fetching, error }, record] = useMutation(ConsoleRecordAccessReviewDocument);
  const [recorded, setRecorded] = useState<Recorded | null>(null);
  const [refusal, setRefusal] = useState<Refusal | null>(null);
  if (recorded)
    return (
      <div className="notice notice--ok" role="status" data-testid="review-recorded">
        <p>
          Review recorded: <strong>{recorded.conclusion}</strong> by {recorded.reviewerName},{' '}
          {formatStockholm(recorded.reviewedAt)}.
        </p>
        {recorded.note ? <p>“{recorded.note}”</p> : null}
      </div>
    );
  return (
    <form
      className="review"
      aria-labelledby={`${id}-title`}
      onSubmit={async (event) => {
        event.preventDefault();
        const form = new FormData(event.currentTarget);
        const result = await record({
          input: {
            accessLogIds,
            sampleId,
            conclusion: form.get('conclusion') as AccessReviewConclusion,
            note: String(form.get('note') ?? ''),
          },
        });
        const answer = result.data?.recordAccessReview;
        if (answer?.__typename === 'AccessReviewError') setRefusal(answer);
        if (answer?.__typename === 'RecordAccessReviewSuccess') {
          setRecorded(answer.review);
          onRecorded?.(answer.review);
        }
      }}
    >
      <h3 id={`${id}-title`}>{title}</h3>
      <fieldset>
        <legend>Conclusion</legend>
        {CONCLUSIONS.map((conclusion, index) => (
          <label key={conclusion.value} className="check check--block">
            <input
              type="radio"
              name="conclusion"
              value={conclusion.value}
              defaultChecked={index === 0}
              required
            />
            {conclusion.label}
          </label>
        ))}
      </fieldset>
      <TextAreaField label="Note (at most 4000 characters)" name="note" rows={3} maxLength={4000} />
      <ErrorNotice error={error ?? null} />
      <RefusalNotice refusal={refusal} />
      <button type="submit" disabled={fetching}>
        Record review
      </button>
    </form>
  );
}
