import { useMemo, useState } from 'react';
import { Link, useParams } from 'react-router';
import { useQuery } from 'urql';
import {
  type AccessFlag,
  ConsoleAccessLogSampleDocument,
  ConsoleAccessLogSampleEntriesDocument,
} from '../../generated/graphql.js';
import { usePagedConnection } from '../../ui/connection.js';
import { ErrorNotice } from '../../ui/error-notice.js';
import { LoadProgress } from '../../ui/load-progress.js';
import { formatStockholm } from '../../ui/time.js';
import { columnHelper, VirtualTable } from '../../ui/virtual-table.js';
import type { AccessLogRow } from './access-log-page.js';
import { EntryDetails } from './entry-details.js';
import { FlagList } from './flag-list.js';
import { ReviewForm } from './review-form.js';

const column = columnHelper<AccessLogRow>();

/** One sample: what was drawn (seed, share, size), its rows to review one by one, and its reviews. */
export function SamplePage() {
  const { sampleId = '' } = useParams();
  const [selected, setSelected] = useState<AccessLogRow | null>(null);
  const [{ data, error }, refetch] = useQuery({
    query: ConsoleAccessLogSampleDocument,
    variables: { id: sampleId },
  });
  const entries = usePagedConnection(
    ConsoleAccessLogSampleEntriesDocument,
    { id: sampleId, first: 100 },
    (page) => ({
      nodes: page.accessLogSample?.entries.edges.map((edge) => edge.node) ?? [],
      totalCount: page.accessLogSample?.entries.totalCount ?? 0,
      hasNextPage: page.accessLogSample?.entries.pageInfo.hasNextPage ?? false,
      endCursor: page.accessLogSample?.entries.pageInfo.endCursor ?? null,
    }),
  );
  const reviewedRows = useMemo(
    () =>
      new Set(data?.accessLogSample?.reviews.flatMap((review) => review.accessLogGlobalIds) ?? []),
    [data],
  );
  const columns = useMemo(
    () =>
      column.columns([
        column.accessor('time', {
          header: 'Time (Stockholm)',
          cell: (info) => formatStockholm(info.getValue()),
          size: 170,
        }),
        column.accessor('userName', { header: 'User', size: 160 }),
        column.accessor('personalIdentityNumber', { header: 'Patient', size: 130 }),
        column.accessor('activityName', { header: 'Activity', size: 100 }),
        column.accessor('flags', {
          header: 'Flags',
          cell: (info) => <FlagList flags={info.getValue() as AccessFlag[]} compact />,
          size: 200,
        }),
        column.display({
          id: 'reviewed',
          header: 'Reviewed',
          cell: (info) => (reviewedRows.has(info.row.original.id) ? 'yes' : 'no'),
          size: 80,
        }),
        column.display({
          id: 'open',
          header: () => <span className="visually-hidden">Review</span>,
          cell: (info) => (
            <button
              type="button"
              className="button--small"
              aria-pressed={selected?.id === info.row.original.id}
              onClick={() => setSelected(info.row.original)}
            >
              Review
            </button>
          ),
          size: 80,
        }),
      ]),
    [selected, reviewedRows],
  );
  if (error) return <ErrorNotice error={error} />;
  const sample = data?.accessLogSample;
  if (data && !sample)
    return (
      <section className="card">
        <h1>No such sample</h1>
        <p>
          <Link to="/security/samples">Back to the samples</Link>
        </p>
      </section>
    );
  if (!sample)
    return (
      <p className="loading" role="status">
        Loading the sample…
      </p>
    );
  return (
    <section aria-labelledby="sample-title">
      <h1 id="sample-title">
        Sample of {sample.month} <span lang="sv">(stickprov)</span>
      </h1>
      <dl className="facts facts--wide" data-testid="sample-facts">
        <dt>Share</dt>
        <dd>{sample.percent} %</dd>
        <dt>Rows drawn</dt>
        <dd>
          {sample.size} of {sample.population} in the month
        </dd>
        <dt>Seed</dt>
        <dd>
          <code data-testid="sample-seed">{sample.seed}</code> (draw again with it for the same
          rows)
        </dd>
        <dt>Drawn</dt>
        <dd>
          {formatStockholm(sample.drawnAt)} by {sample.drawnByName}
        </dd>
      </dl>
      <LoadProgress
        loaded={entries.nodes.length}
        total={entries.totalCount}
        fetching={entries.fetching}
        noun="rows of the sample"
      />
      <ErrorNotice error={entries.error} />
      {entries.nodes.length > 0 ? (
        <div className="split">
          <VirtualTable
            caption="The sample's rows, newest first"
            data={entries.nodes}
            columns={columns}
            getRowId={(row) => row.id}
            onEndReached={entries.loadMore}
            rowClassName={(row) => (row.id === selected?.id ? 'is-selected' : undefined)}
            visibleRows={10}
            testId="sample-table"
          />
          {selected ? (
            <EntryDetails entry={selected} onClose={() => setSelected(null)}>
              <ReviewForm
                key={selected.id}
                title="Review this row of the sample"
                sampleId={sample.id}
                accessLogIds={[selected.id]}
                onRecorded={() => refetch()}
              />
            </EntryDetails>
          ) : null}
        </div>
      ) : null}
      <h2>Reviews of this sample</h2>
      {sample.reviews.length === 0 ? (
        <p className="hint">None yet.</p>
      ) : (
        <ul className="reviews" data-testid="sample-reviews">
          {sample.reviews.map((review) => (
            <li key={review.id}>
              <strong>{review.conclusion}</strong> by {review.reviewerName},{' '}
              {formatStockholm(review.reviewedAt)}
              {review.accessLogGlobalIds.length > 0
                ? ` (${review.accessLogGlobalIds.length} rows)`
                : ' (the whole sample)'}
              {review.note ? `: “${review.note}”` : ''}
            </li>
          ))}
        </ul>
      )}
      <ReviewForm
        title="Review the whole sample"
        sampleId={sample.id}
        onRecorded={() => refetch()}
      />
    </section>
  );
}
