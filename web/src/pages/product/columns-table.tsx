/** A port's columns as its contract states them; personal and sensitive data stand out. */
import type { ReactNode } from 'react';
import type { Column } from '../../api/types.js';
import { ScrollRegion } from '../../ui/scroll-region.js';

/** Classifications that mean personal or otherwise guarded data: marked on the row, not only in a cell. */
const GUARDED = new Set(['pii', 'sensitive', 'confidential']);

function Classification({ column }: { column: Column }): ReactNode {
  const { classification, masking } = column;
  if (!classification && !masking) return <span className="muted">–</span>;
  const guarded = classification !== undefined && GUARDED.has(classification);
  return (
    <span className="classification">
      {classification && (
        <span className={`pill ${guarded ? `pill-guarded pill-${classification}` : ''}`}>
          {guarded && <span aria-hidden="true">⚠ </span>}
          {classification === 'pii' ? 'PII' : classification}
        </span>
      )}
      {masking && masking !== 'none' && <span className="masking"> masked: {masking}</span>}
    </span>
  );
}

/** "You see this column hashed": the mask the caller reads a column through. */
function MaskMark({ masking }: { masking: string }): ReactNode {
  const word = ({ hash: 'hashed', mask: 'masked', remove: 'removed' } as Record<string, string>)[masking] ?? masking;
  return (
    <span className="mask-mark" data-mask={masking} title={`You read this port masked: this column reaches you ${word}`}>
      <span aria-hidden="true">◐ </span>you see it {word}
    </span>
  );
}

/** `masks`: the columns the caller reads masked, when it reads the port's masked relation. */
export function ColumnsTable({ columns, uniqueKey, caption, masks }: { columns: readonly Column[]; uniqueKey: readonly string[] | undefined; caption: string; masks?: Readonly<Record<string, string>> | undefined }): ReactNode {
  if (columns.length === 0) {
    return <p className="muted">The contract declares no columns: consumers get whatever the model selects.</p>;
  }
  const keys = new Set(uniqueKey ?? []);
  return (
    <ScrollRegion label={caption}>
      <table className="columns-table stack">
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Column</th>
            <th scope="col">Type</th>
            <th scope="col">Description</th>
            <th scope="col">Constraints</th>
            <th scope="col">Allowed values</th>
            <th scope="col">Classification</th>
          </tr>
        </thead>
        <tbody>
          {columns.map((column) => {
            const guarded = column.classification !== undefined && GUARDED.has(column.classification);
            return (
              <tr key={column.name} className={guarded ? 'is-guarded' : undefined}>
                <th scope="row" className="column-name">
                  <code>{column.name}</code>
                  {keys.has(column.name) && (
                    <span className="key-mark" title="Part of the unique key">
                      {' '}
                      key
                    </span>
                  )}
                  {masks?.[column.name] !== undefined && <MaskMark masking={masks[column.name] ?? ''} />}
                </th>
                <td data-label="Type">
                  <code className="column-type">{column.type ?? '–'}</code>
                </td>
                <td className="column-description" data-label="Description">{column.description ?? <span className="muted">No description.</span>}</td>
                <td data-label="Constraints">
                  <span className="constraints">
                    {column.required && <span className="pill">required</span>}
                    {column.unique && <span className="pill">unique</span>}
                    {!column.required && !column.unique && <span className="muted">nullable</span>}
                  </span>
                </td>
                <td data-label="Allowed values">
                  {column.allowed_values && column.allowed_values.length > 0 ? (
                    <span className="allowed">
                      {column.allowed_values.map((v) => (
                        <code key={String(v)}>{String(v)}</code>
                      ))}
                    </span>
                  ) : (
                    <span className="muted">any</span>
                  )}
                </td>
                <td data-label="Classification">
                  <Classification column={column} />
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </ScrollRegion>
  );
}
