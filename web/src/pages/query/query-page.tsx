/**
 * `/query`: SQL over the ports the caller may read (`POST /api/sql`), answered through
 * the same gateway as psql and `tessera query`, masked as the caller's access says.
 * The ports on the side come from `GET /api/sql/ports`; the SQL is kept in the address.
 */
import { useRef, useState, type KeyboardEvent, type ReactNode, type SyntheticEvent } from 'react';
import { ApiError, errorMessage, postJson, useApi } from '../../api/client.js';
import type { SqlPorts, SqlResult } from '../../api/types.js';
import { navigate, paths, useLocation } from '../../router.js';
import { formatCount, formatDuration } from '../../ui/format.js';
import { WhenLoaded } from '../../ui/loading.js';
import { useTitle } from '../../ui/use-title.js';
import './query.css';

/** Rows the page asks for at most: more would not be read on a page anyway. */
const MAX_ROWS = 1000;

const maskWord: Record<string, string> = { hash: 'hashed', mask: 'masked', remove: 'removed' };

type Answer = { phase: 'idle' } | { phase: 'running'; sql: string } | { phase: 'done'; sql: string; result: SqlResult; ms: number } | { phase: 'error'; sql: string; message: string; code?: string };

const grouped = new Intl.NumberFormat('en', { maximumFractionDigits: 20 });

function cell(value: unknown): ReactNode {
  if (value === null || value === undefined) return <span className="muted">NULL</span>;
  // Large numbers with thousands separators (the raw value stays in the title, for copying).
  if (typeof value === 'number' && Math.abs(value) >= 10_000) return <span title={String(value)}>{grouped.format(value)}</span>;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

export function QueryPage(): ReactNode {
  useTitle('Query');
  const { query } = useLocation();
  const [sql, setSql] = useState(() => query.get('sql') ?? '');
  const [answer, setAnswer] = useState<Answer>({ phase: 'idle' });
  const editor = useRef<HTMLTextAreaElement>(null);
  const ports = useApi<SqlPorts>('/api/sql/ports');

  const run = (): void => {
    const text = sql.trim();
    if (text === '' || answer.phase === 'running') return;
    // The address keeps the query, so that it can be shared or reloaded.
    navigate(paths.query(text), { replace: true });
    const started = performance.now();
    setAnswer({ phase: 'running', sql: text });
    postJson<SqlResult>('/api/sql', { sql: text, maxRows: MAX_ROWS }).then(
      (result) => {
        setAnswer({ phase: 'done', sql: text, result, ms: performance.now() - started });
      },
      (error: unknown) => {
        setAnswer({ phase: 'error', sql: text, message: errorMessage(error), ...(error instanceof ApiError ? { code: error.code } : {}) });
      },
    );
  };
  const submit = (event: SyntheticEvent): void => {
    event.preventDefault();
    run();
  };
  const onKey = (event: KeyboardEvent<HTMLTextAreaElement>): void => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      run();
    }
  };
  const use = (name: string): void => {
    setSql(`select * from ${name} limit 10`);
    editor.current?.focus();
  };

  return (
    <div className="query-page">
      <header className="page-header">
        <div>
          <h1>Query</h1>
          <p className="subtitle">SQL over the ports you may read, masked as your access says. One statement, read only.</p>
        </div>
      </header>
      <div className="query-layout">
        <div className="query-main">
          <form className="panel query-form" onSubmit={submit} aria-label="SQL query">
            <div className="field">
              <label htmlFor="query-sql">SQL</label>
              <textarea
                id="query-sql"
                ref={editor}
                className="input mono query-sql"
                rows={7}
                spellCheck={false}
                autoCapitalize="off"
                autoComplete="off"
                placeholder="select * from commerce.orders limit 10"
                value={sql}
                aria-describedby="query-sql-hint"
                onChange={(event) => {
                  setSql(event.target.value);
                }}
                onKeyDown={onKey}
              />
              <p id="query-sql-hint" className="field-hint">
                Ports are <code>domain.port</code> (e.g. <code>commerce.customers_v2</code>). <kbd>Ctrl</kbd>+<kbd>Enter</kbd> runs the query; the first {formatCount(MAX_ROWS)} rows are shown.
              </p>
            </div>
            <div className="row">
              <button type="submit" className="button button-primary" disabled={answer.phase === 'running' || sql.trim() === ''}>
                <span aria-hidden="true">▶</span> {answer.phase === 'running' ? 'Running…' : 'Run'}
              </button>
            </div>
          </form>
          <QueryAnswer answer={answer} />
        </div>
        <aside className="panel query-ports" aria-labelledby="query-ports-heading">
          <h2 id="query-ports-heading">Ports you may read</h2>
          <WhenLoaded loaded={ports} what="your ports">
            {(data) =>
              data.ports.length === 0 ? (
                <p className="muted">You may read no port yet: ask for access on a product's page.</p>
              ) : (
                <ul className="query-port-list">
                  {data.ports.map((port) => (
                    <PortEntry key={`${port.schema}.${port.name}`} port={port} onUse={use} />
                  ))}
                </ul>
              )
            }
          </WhenLoaded>
        </aside>
      </div>
    </div>
  );
}

function PortEntry({ port, onUse }: { port: SqlPorts['ports'][number]; onUse: (name: string) => void }): ReactNode {
  const name = `${port.schema}.${port.name}`;
  const masked = port.columns.filter((c) => c.masked !== undefined).length;
  return (
    <li className="query-port" data-port={name}>
      <details>
        <summary>
          <code>{name}</code>
          {masked > 0 && (
            <span className="query-port-masked">
              {' '}
              <span aria-hidden="true">◐</span> {masked} masked
            </span>
          )}
        </summary>
        {port.description && <p className="muted query-port-description">{port.description}</p>}
        <ul className="query-columns" aria-label={`Columns of ${name}`}>
          {port.columns.map((column) => (
            <li key={column.name}>
              <code>{column.name}</code> <span className="muted">{column.type.toLowerCase()}</span>
              {column.masked && (
                <span className="mask-mark-inline" data-mask={column.masked}>
                  {' '}
                  <span aria-hidden="true">◐</span> {maskWord[column.masked] ?? column.masked}
                </span>
              )}
            </li>
          ))}
        </ul>
        <button
          type="button"
          className="button"
          onClick={() => {
            onUse(name);
          }}
        >
          Query {name}
        </button>
      </details>
    </li>
  );
}

function QueryAnswer({ answer }: { answer: Answer }): ReactNode {
  const result = answer.phase === 'done' ? answer.result : undefined;
  return (
    <section className="query-answer" aria-labelledby="query-answer-heading" aria-busy={answer.phase === 'running'}>
      <h2 id="query-answer-heading">Result</h2>
      <div role="status" aria-live="polite" className="query-status">
        {answer.phase === 'idle' && <span className="muted">Run a query to see its rows here.</span>}
        {answer.phase === 'running' && <span className="muted">Running…</span>}
        {result && answer.phase === 'done' && (
          <span>
            {formatCount(result.rowCount)} row{result.rowCount === 1 ? '' : 's'} in {formatDuration(answer.ms)}
            {result.truncated && (
              <strong className="query-truncated">
                {' '}
                · truncated: the query gives more than {formatCount(result.rowCount)} rows; narrow it or add a <code>limit</code>.
              </strong>
            )}
          </span>
        )}
      </div>
      {answer.phase === 'error' && (
        <div className="error-box query-error" role="alert" data-code={answer.code}>
          <strong>{answer.code === 'refused' ? 'Refused.' : 'The query failed.'}</strong> {answer.message}
        </div>
      )}
      {result && (
        <div className="query-table-scroll" tabIndex={0} role="region" aria-label="Result rows">
          <table className="query-table">
            <caption className="visually-hidden">Rows of the query</caption>
            <thead>
              <tr>
                {result.columns.map((column, i) => (
                  <th key={i} scope="col" title={column.type}>
                    {column.name}
                    <span className="query-col-type"> {column.type.toLowerCase()}</span>
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {result.rows.map((row, r) => (
                <tr key={r}>
                  {row.map((value, c) => (
                    <td key={c} className={typeof value === 'number' ? 'num mono' : 'mono'}>
                      {cell(value)}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
