/**
 * How much of a long list is loaded: "120 of 4 311", with a progress bar while pages
 * arrive, so a large result never shows as a blank screen.
 */
export function LoadProgress({
  loaded,
  total,
  fetching,
  noun,
}: {
  loaded: number;
  total: number | null;
  fetching: boolean;
  noun: string;
}) {
  const number = (n: number) => n.toLocaleString('sv-SE');
  return (
    <div className="progress" role="status" aria-live="polite" data-testid="load-progress">
      {total === null ? (
        fetching ? (
          <span>Searching…</span>
        ) : null
      ) : (
        <span>
          {number(loaded)} of {number(total)} {noun} loaded
          {fetching ? ', loading more…' : loaded < total ? ' (scroll for more)' : ''}
        </span>
      )}
      {fetching ? (
        total === null || total === 0 ? (
          <progress aria-label="Loading" />
        ) : (
          <progress aria-label="Loaded" value={loaded} max={total} />
        )
      ) : null}
    </div>
  );
}
