import { useState } from 'react';
import { type CombinedError, useClient } from 'urql';
import { type AccessLogFilter, ConsoleAccessLogCsvDocument } from '../../generated/graphql.js';
import { ErrorNotice } from '../../ui/error-notice.js';

/**
 * The search's rows as a CSV file (RFC 4180, UTC times, at most 50 000 rows), saved from
 * memory: the API logs the export as Utskrift (PRINT) of every patient in it.
 */
export function CsvExport({ filter }: { filter: AccessLogFilter }) {
  const client = useClient();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<CombinedError | null>(null);
  return (
    <div className="csv">
      <button
        type="button"
        className="button--quiet"
        disabled={busy}
        onClick={async () => {
          setBusy(true);
          setError(null);
          const result = await client.query(ConsoleAccessLogCsvDocument, { filter }).toPromise();
          setBusy(false);
          if (!result.data) {
            setError(result.error ?? null);
            return;
          }
          const url = URL.createObjectURL(
            new Blob([result.data.accessLogCsv], { type: 'text/csv;charset=utf-8' }),
          );
          const link = document.createElement('a');
          link.href = url;
          link.download = `access-log-${new Date().toISOString().slice(0, 10)}.csv`;
          link.click();
          setTimeout(() => URL.revokeObjectURL(url), 10_000);
        }}
      >
        {busy ? 'Exporting…' : 'Export CSV'}
      </button>
      <ErrorNotice error={error} />
    </div>
  );
}
