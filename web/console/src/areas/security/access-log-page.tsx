import { useCallback, useMemo, useState } from 'react';
import { useLocation } from 'react-router';
import {
  type AccessFlag,
  type AccessLogFilter,
  ConsoleAccessLogDocument,
  type ConsoleAccessLogRowFragment,
} from '../../generated/graphql.js';
import { usePagedConnection } from '../../ui/connection.js';
import { ErrorNotice } from '../../ui/error-notice.js';
import { LoadProgress } from '../../ui/load-progress.js';
import { formatStockholm } from '../../ui/time.js';
import { columnHelper, VirtualTable } from '../../ui/virtual-table.js';
import { AccessLogFilterForm } from './access-log-filter.js';
import { CsvExport } from './csv-export.js';
import { EntryDetails } from './entry-details.js';
import { EMPTY_FILTER, type FilterValues, toApiFilter } from './filter-values.js';
import { FlagList } from './flag-list.js';
import { ReviewForm } from './review-form.js';

export type AccessLogRow = ConsoleAccessLogRowFragment;

const PAGE_SIZE = 100;
const column = columnHelper<AccessLogRow>();

/**
 * Search the access log: by patient (personnummer), user, unit, period, flags and denied
 * accesses; newest first, paged by cursor as the table scrolls, with a count of what is
 * loaded out of how many match. Every search is itself logged by the API.
 */
export function AccessLogPage() {
  // Another screen (unusual activity) may open this one with a search to run.
  const initial = (useLocation().state as { search?: Partial<FilterValues> } | null)?.search;
  const [filter, setFilter] = useState<AccessLogFilter | null>(
    initial ? toApiFilter({ ...EMPTY_FILTER, ...initial }) : null,
  );
  const [selected, setSelected] = useState<AccessLogRow | null>(null);
  const list = usePagedConnection(
    ConsoleAccessLogDocument,
    filter === null ? null : { filter, first: PAGE_SIZE },
    (data) => ({
      nodes: data.accessLog.edges.map((edge) => edge.node),
      totalCount: data.accessLog.totalCount,
      hasNextPage: data.accessLog.pageInfo.hasNextPage,
      endCursor: data.accessLog.pageInfo.endCursor ?? null,
    }),
  );
  const onSearch = useCallback((values: FilterValues) => {
    setSelected(null);
    setFilter(toApiFilter(values));
  }, []);
  const columns = useMemo(
    () =>
      column.columns([
        column.accessor('time', {
          header: 'Time (Stockholm)',
          cell: (info) => (
            <time dateTime={info.getValue()}>{formatStockholm(info.getValue())}</time>
          ),
          size: 165,
        }),
        column.accessor('userName', {
          header: 'User',
          cell: (info) => <span title={info.row.original.userHsaId}>{info.getValue()}</span>,
          size: 130,
        }),
        column.accessor('unitHsaId', { header: 'Unit', size: 155 }),
        column.accessor('personalIdentityNumber', { header: 'Patient', size: 115 }),
        column.accessor('activityName', { header: 'Activity', size: 85 }),
        column.accessor('outcome', {
          header: 'Outcome',
          cell: (info) =>
            info.getValue() === 'SUCCESS' ? (
              'Succeeded'
            ) : (
              <strong className={`outcome outcome--${info.getValue().toLowerCase()}`}>
                {info.getValue() === 'DENIED' ? 'Denied' : 'Failed'}
              </strong>
            ),
          size: 85,
        }),
        column.accessor('flags', {
          header: 'Flags',
          cell: (info) => <FlagList flags={info.getValue() as AccessFlag[]} compact />,
          size: 150,
        }),
        column.display({
          id: 'open',
          header: () => <span className="visually-hidden">Details</span>,
          cell: (info) => (
            <button
              type="button"
              className="button--small"
              aria-label={`Details of ${info.row.original.userName}’s access at ${formatStockholm(info.row.original.time)}`}
              aria-pressed={selected?.id === info.row.original.id}
              onClick={() => setSelected(info.row.original)}
            >
              Details
            </button>
          ),
          size: 75,
        }),
      ]),
    [selected],
  );

  return (
    <section aria-labelledby="access-log-title">
      <h1 id="access-log-title">
        Access log <span lang="sv">(logguppföljning)</span>
      </h1>
      <AccessLogFilterForm onSearch={onSearch} initial={initial} />
      {filter === null ? (
        <p className="hint">Give a patient, a user, a unit or a period, or search everything.</p>
      ) : (
        <>
          <div className="toolbar">
            <LoadProgress
              loaded={list.nodes.length}
              total={list.totalCount}
              fetching={list.fetching}
              noun="access-log rows"
            />
            {list.totalCount ? <CsvExport filter={filter} /> : null}
          </div>
          <ErrorNotice error={list.error} />
          {list.nodes.length > 0 ? (
            <div className="split">
              <VirtualTable
                caption="Access-log rows, newest first"
                data={list.nodes}
                columns={columns}
                getRowId={(row) => row.id}
                onEndReached={list.loadMore}
                rowClassName={(row) => (row.id === selected?.id ? 'is-selected' : undefined)}
                testId="access-log-table"
              />
              {selected ? (
                <EntryDetails entry={selected} onClose={() => setSelected(null)}>
                  <ReviewForm
                    key={selected.id}
                    title="Review this access"
                    accessLogIds={[selected.id]}
                  />
                </EntryDetails>
              ) : null}
            </div>
          ) : list.fetching || list.error ? null : (
            <p className="hint" data-testid="no-rows">
              No access-log rows match.
            </p>
          )}
        </>
      )}
    </section>
  );
}
