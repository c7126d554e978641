import type { KeyboardEvent, ReactNode } from 'react';

/** One column of a {@link DataTable}. */
export interface Column<T> {
  readonly key: string;
  readonly header: ReactNode;
  /** The column's name where the header is not plain text (labels the cell on phones). */
  readonly label?: string;
  readonly render: (row: T) => ReactNode;
  readonly align?: 'left' | 'right';
  /** Left out on narrow screens (the table still scrolls sideways for the rest). */
  readonly secondary?: boolean;
}

/**
 * A plain, accessible table: a caption (visually hidden unless `showCaption`), header cells with
 * `scope`, optional row activation by click, Enter or Space (a row is then a focusable
 * control). On phones each row becomes a card whose cells carry their column's name; the
 * explicit roles keep it a table for assistive technology when CSS changes its display.
 */
export function DataTable<T>(props: {
  caption: string;
  columns: readonly Column<T>[];
  rows: readonly T[];
  rowKey: (row: T) => string;
  onRowClick?: (row: T) => void;
  rowLabel?: (row: T) => string;
  selectedKey?: string | null;
  showCaption?: boolean;
}) {
  const activate = (row: T) => (event: KeyboardEvent<HTMLTableRowElement>) => {
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      props.onRowClick?.(row);
    }
  };
  return (
    <div className="table-wrap">
      <table className="table" role="table">
        <caption className={props.showCaption ? 'table__caption' : 'visually-hidden'}>
          {props.caption}
        </caption>
        <thead role="rowgroup">
          <tr role="row">
            {props.columns.map((c) => (
              <th
                key={c.key}
                scope="col"
                role="columnheader"
                className={[c.align === 'right' ? 'num' : '', c.secondary ? 'secondary' : '']
                  .filter(Boolean)
                  .join(' ')}
              >
                {c.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody role="rowgroup">
          {props.rows.map((row) => {
            const key = props.rowKey(row);
            const clickable = props.onRowClick !== undefined;
            return (
              <tr
                key={key}
                role="row"
                className={[
                  clickable ? 'clickable' : '',
                  props.selectedKey === key ? 'selected' : '',
                ]
                  .filter(Boolean)
                  .join(' ')}
                onClick={clickable ? () => props.onRowClick?.(row) : undefined}
                onKeyDown={clickable ? activate(row) : undefined}
                tabIndex={clickable ? 0 : undefined}
                aria-label={clickable ? props.rowLabel?.(row) : undefined}
              >
                {props.columns.map((c, i) => (
                  <td
                    key={c.key}
                    role="cell"
                    data-label={c.label ?? (typeof c.header === 'string' ? c.header : '')}
                    className={[
                      c.align === 'right' ? 'num' : '',
                      c.secondary ? 'secondary' : '',
                      i === 0 ? 'primary' : '',
                    ]
                      .filter(Boolean)
                      .join(' ')}
                  >
                    {c.render(row)}
                  </td>
                ))}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
