import { useCallback, useEffect, useRef, useState } from 'react';
import { type CombinedError, type TypedDocumentNode, useClient } from 'urql';

/** One page of a Relay connection as the console reads it. */
export interface Page<N> {
  nodes: N[];
  totalCount: number | null;
  hasNextPage: boolean;
  endCursor: string | null;
}

export interface PagedList<N> {
  nodes: N[];
  totalCount: number | null;
  hasNextPage: boolean;
  /** A page is being fetched (the first, or the next). */
  fetching: boolean;
  error: CombinedError | null;
  loadMore: () => void;
}

/**
 * Cursor paging through a connection: the first page when `variables` change (null: not
 * yet asked), then the next page on `loadMore` (the table calls it as its end scrolls into
 * view), one request at a time, pages appended. A change of `variables` drops what an older
 * request answers late.
 */
export function usePagedConnection<R, V extends { after?: string | null }, N>(
  document: TypedDocumentNode<R, V>,
  variables: Omit<V, 'after'> | null,
  pageOf: (data: R) => Page<N>,
): PagedList<N> {
  const client = useClient();
  const [state, setState] = useState<{
    nodes: N[];
    totalCount: number | null;
    hasNextPage: boolean;
    endCursor: string | null;
    fetching: boolean;
    error: CombinedError | null;
  }>({
    nodes: [],
    totalCount: null,
    hasNextPage: false,
    endCursor: null,
    fetching: false,
    error: null,
  });
  const generation = useRef(0);
  const busy = useRef(false);
  const key = variables === null ? null : JSON.stringify(variables);
  const pageOfRef = useRef(pageOf);
  pageOfRef.current = pageOf;

  const fetchPage = useCallback(
    async (after: string | null, reset: boolean) => {
      if (key === null) return;
      const mine = generation.current;
      busy.current = true;
      setState((s) => ({
        ...(reset ? { ...s, nodes: [], totalCount: null } : s),
        fetching: true,
        error: null,
      }));
      const result = await client
        .query(document, { ...(JSON.parse(key) as V), after } as V)
        .toPromise();
      if (mine !== generation.current) return;
      busy.current = false;
      if (result.error || !result.data) {
        setState((s) => ({
          ...s,
          fetching: false,
          error: result.error ?? null,
          hasNextPage: false,
        }));
        return;
      }
      const page = pageOfRef.current(result.data);
      setState((s) => ({
        nodes: reset ? page.nodes : [...s.nodes, ...page.nodes],
        totalCount: page.totalCount,
        hasNextPage: page.hasNextPage,
        endCursor: page.endCursor,
        fetching: false,
        error: null,
      }));
    },
    [client, document, key],
  );

  useEffect(() => {
    generation.current += 1;
    busy.current = false;
    if (key === null) {
      setState({
        nodes: [],
        totalCount: null,
        hasNextPage: false,
        endCursor: null,
        fetching: false,
        error: null,
      });
      return;
    }
    void fetchPage(null, true);
  }, [key, fetchPage]);

  const loadMore = useCallback(() => {
    if (busy.current || !state.hasNextPage) return;
    void fetchPage(state.endCursor, false);
  }, [fetchPage, state.hasNextPage, state.endCursor]);

  return {
    nodes: state.nodes,
    totalCount: state.totalCount,
    hasNextPage: state.hasNextPage,
    fetching: state.fetching,
    error: state.error,
    loadMore,
  };
}
