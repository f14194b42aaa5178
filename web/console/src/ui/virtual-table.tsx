import {
  type ColumnDef,
  type ColumnHelper,
  columnSizingFeature,
  createColumnHelper,
  type RowData,
  tableFeatures,
  useTable,
} from '@tanstack/react-table';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef } from 'react';

/**
 * A table of many rows (an access log of a region runs to millions): @tanstack/react-table
 * for the columns, @tanstack/react-virtual so only the rows in view are in the DOM. It stays
 * a real <table> (spacer rows above and below the rendered ones) so screen readers and
 * keyboard users get headers and cells; the scroll area is focusable and scrolls with the
 * arrow keys. When the last rows come into view it asks for the next page.
 */
/** The table features every console table uses: column widths (given per column as `size`). */
const features = tableFeatures({ columnSizingFeature });
export type ConsoleTableFeatures = typeof features;

/** Column definitions for a VirtualTable of rows of type T. */
export const columnHelper = <T extends RowData>(): ColumnHelper<ConsoleTableFeatures, T> =>
  createColumnHelper<ConsoleTableFeatures, T>();

export interface VirtualTableProps<T extends RowData> {
  caption: string;
  data: readonly T[];
  // biome-ignore lint/suspicious/noExplicitAny: column value types differ per column
  columns: ColumnDef<ConsoleTableFeatures, T, any>[];
  getRowId: (row: T) => string;
  /** Called when the last rows scroll into view (load the next page). */
  onEndReached?: () => void;
  /** Rows in view and the height of one (cells do not wrap). */
  visibleRows?: number;
  rowHeight?: number;
  rowClassName?: (row: T) => string | undefined;
  testId?: string;
}

export function VirtualTable<T extends RowData>({
  caption,
  data,
  columns,
  getRowId,
  onEndReached,
  visibleRows = 14,
  rowHeight = 40,
  rowClassName,
  testId,
}: VirtualTableProps<T>) {
  const table = useTable({
    features,
    data: data as T[],
    columns,
    getRowId: (row) => getRowId(row),
  });
  const rows = table.getRowModel().rows;
  const scrollRef = useRef<HTMLElement>(null);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => rowHeight,
    overscan: 12,
  });
  const items = virtualizer.getVirtualItems();
  const lastIndex = items.at(-1)?.index ?? -1;
  useEffect(() => {
    if (onEndReached && rows.length > 0 && lastIndex >= rows.length - 8) onEndReached();
  }, [lastIndex, rows.length, onEndReached]);
  const paddingTop = items[0]?.start ?? 0;
  const paddingBottom = virtualizer.getTotalSize() - (items.at(-1)?.end ?? 0);
  const columnCount = table.getAllLeafColumns().length;

  return (
    <section
      className="vtable"
      ref={scrollRef}
      // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard (WCAG 2.1.1)
      tabIndex={0}
      aria-label={caption}
      data-testid={testId}
      style={{ maxHeight: `${visibleRows * rowHeight + rowHeight + 2}px` }}
    >
      <table aria-rowcount={rows.length + 1}>
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          {table.getHeaderGroups().map((group) => (
            <tr key={group.id}>
              {group.headers.map((header) => (
                <th key={header.id} scope="col" style={{ width: header.getSize() }}>
                  {header.isPlaceholder ? null : <table.FlexRender header={header} />}
                </th>
              ))}
            </tr>
          ))}
        </thead>
        <tbody>
          {paddingTop > 0 ? (
            <tr className="vtable__spacer">
              <td colSpan={columnCount} style={{ height: `${paddingTop}px`, padding: 0 }} />
            </tr>
          ) : null}
          {items.map((item) => {
            const row = rows[item.index]!;
            return (
              <tr
                key={row.id}
                aria-rowindex={item.index + 2}
                className={rowClassName?.(row.original)}
                style={{ height: `${rowHeight}px` }}
              >
                {row.getAllCells().map((cell) => (
                  <td key={cell.id}>
                    <table.FlexRender cell={cell} />
                  </td>
                ))}
              </tr>
            );
          })}
          {paddingBottom > 0 ? (
            <tr className="vtable__spacer">
              <td colSpan={columnCount} style={{ height: `${paddingBottom}px`, padding: 0 }} />
            </tr>
          ) : null}
        </tbody>
      </table>
    </section>
  );
}
