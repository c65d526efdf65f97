/**
 * What the caller may do with one port (`GET /api/products/:id/access`): read it (a
 * query to copy; a note when it reads masked columns), or ask for it; the requests for
 * it they may see, with decisions for its owners; and who read it in 30 days.
 */
import { useId, useState, type ReactNode, type SyntheticEvent } from 'react';
import { errorMessage, postJson } from '../../api/client.js';
import { useMe } from '../../api/session.js';
import type { AccessRequest, Masking, PortAccess } from '../../api/types.js';
import { Link, paths } from '../../router.js';
import { RequestList, RequestStatus } from '../../ui/access-requests.js';
import { formatAgo, formatCount, formatDateTime } from '../../ui/format.js';

/** How a mask reads in a sentence: "you see this column hashed". */
export const maskWord: Record<Masking, string> = { hash: 'hashed', mask: 'masked', remove: 'removed' };

export function maskLabel(masking: Masking): string {
  return maskWord[masking];
}

const via: Record<string, string> = {
  admin: 'as the admin',
  owner: 'as its owners',
  public: 'it is public',
  internal: 'it is internal to the mesh: every team member reads it',
  grant: 'through a grant',
};

function CopyButton({ text, what }: { text: string; what: string }): ReactNode {
  const [copied, setCopied] = useState<string | undefined>(undefined);
  const copy = (): void => {
    // The Clipboard API needs a secure context (https or localhost); elsewhere, select the text by hand.
    if (!('clipboard' in navigator)) {
      setCopied('Select the text to copy it.');
      return;
    }
    navigator.clipboard.writeText(text).then(
      () => {
        setCopied('Copied.');
      },
      () => {
        setCopied('Could not copy: select the text instead.');
      },
    );
  };
  return (
    <>
      <button type="button" className="button copy-button" onClick={copy}>
        Copy<span className="visually-hidden"> {what}</span>
      </button>
      <span role="status" aria-live="polite" className="muted copy-status">
        {copied}
      </span>
    </>
  );
}

function QuerySnippet({ port }: { port: string }): ReactNode {
  const me = useMe();
  const sql = `select * from ${port} limit 10`;
  const user = me?.identity.kind === 'member' ? (me.identity.email ?? '<e-mail>') : me?.identity.kind === 'service' ? (me.identity.name ?? '<service>') : 'admin';
  const psql = `PGPASSWORD=<your token> psql "postgresql://${user}@${window.location.hostname}:<pg-port>/<mesh>" -c "${sql}"`;
  return (
    <div className="port-query">
      <p className="port-query-label">Query it:</p>
      <div className="copy-block">
        <pre>
          <code className="port-sql">{sql}</code>
        </pre>
        <div className="row">
          <CopyButton text={sql} what={`the query on ${port}`} />
          <Link className="button" to={paths.query(sql)}>
            Open in Query
          </Link>
        </div>
      </div>
      <p className="muted port-psql-hint">
        From <code>psql</code> or a BI tool, when the server runs with <code>tessera serve --pg-port &lt;pg-port&gt;</code> (your token is the password):
      </p>
      <pre className="port-psql">
        <code>{psql}</code>
      </pre>
    </div>
  );
}

/** The form behind "Request access": purpose, unmasked, on behalf of a team, expiry. */
function RequestForm({ port, unmasked: askUnmasked, onCreated, onCancel }: { port: string; unmasked: boolean; onCreated: (request: AccessRequest) => void; onCancel: () => void }): ReactNode {
  const me = useMe();
  const teams = me?.identity.teams ?? [];
  const id = useId();
  const [purpose, setPurpose] = useState('');
  const [unmasked, setUnmasked] = useState(askUnmasked);
  const [team, setTeam] = useState('');
  const [days, setDays] = useState('');
  const [state, setState] = useState<{ phase: 'idle' | 'sending' } | { phase: 'error'; message: string }>({ phase: 'idle' });
  const submit = (event: SyntheticEvent): void => {
    event.preventDefault();
    if (purpose.trim().length < 3) {
      setState({ phase: 'error', message: 'Say what you need the data for (at least 3 characters): the owners decide on it.' });
      return;
    }
    const expires = days.trim() === '' ? undefined : Number(days);
    if (expires !== undefined && (!Number.isInteger(expires) || expires < 1 || expires > 3650)) {
      setState({ phase: 'error', message: 'Expiry is a whole number of days, 1 to 3650, or empty for no expiry.' });
      return;
    }
    setState({ phase: 'sending' });
    postJson<AccessRequest>('/api/access-requests', { port, purpose: purpose.trim(), unmasked, ...(team ? { team } : {}), ...(expires === undefined ? {} : { expiresInDays: expires }) }).then(
      (created) => {
        setState({ phase: 'idle' });
        onCreated(created);
      },
      (error: unknown) => {
        setState({ phase: 'error', message: errorMessage(error) });
      },
    );
  };
  return (
    <form className="request-form" onSubmit={submit} aria-labelledby={`${id}-title`} noValidate>
      <p id={`${id}-title`} className="request-form-title">
        {askUnmasked ? 'Request unmasked access to' : 'Request access to'} <code>{port}</code>
      </p>
      <div className="field">
        <label htmlFor={`${id}-purpose`}>Purpose</label>
        <textarea
          id={`${id}-purpose`}
          className="input"
          rows={2}
          required
          // Opened by a click on "Request access": the purpose is what to write first.
          autoFocus
          value={purpose}
          aria-describedby={`${id}-purpose-hint`}
          onChange={(event) => {
            setPurpose(event.target.value);
          }}
        />
        <p id={`${id}-purpose-hint`} className="field-hint">
          What you need it for; the owners read this when they decide.
        </p>
      </div>
      <label className="request-check">
        <input
          type="checkbox"
          checked={unmasked}
          onChange={(event) => {
            setUnmasked(event.target.checked);
          }}
        />{' '}
        Unmasked: see personal data in the clear
      </label>
      <div className="request-form-row">
        {teams.length > 0 && (
          <div className="field">
            <label htmlFor={`${id}-team`}>On behalf of</label>
            <select
              id={`${id}-team`}
              className="input"
              value={team}
              onChange={(event) => {
                setTeam(event.target.value);
              }}
            >
              <option value="">just me</option>
              {teams.map((t) => (
                <option key={t} value={t}>
                  team {t}
                </option>
              ))}
            </select>
          </div>
        )}
        <div className="field">
          <label htmlFor={`${id}-days`}>Expires after (days)</label>
          <input
            id={`${id}-days`}
            className="input"
            type="number"
            min={1}
            max={3650}
            inputMode="numeric"
            placeholder="never"
            value={days}
            onChange={(event) => {
              setDays(event.target.value);
            }}
          />
        </div>
      </div>
      <div className="row">
        <button type="submit" className="button button-primary" disabled={state.phase === 'sending'}>
          {state.phase === 'sending' ? 'Sending…' : 'Send request'}
        </button>
        <button type="button" className="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
      {state.phase === 'error' && (
        <p className="error-box" role="alert">
          {state.message}
        </p>
      )}
    </form>
  );
}

function Usage({ access }: { access: PortAccess }): ReactNode {
  const usage = access.usage;
  if (!usage || usage.queries === 0) return <p className="muted port-usage">Nobody read this port in the last 30 days.</p>;
  return (
    <p className="port-usage">
      <strong>{formatCount(usage.queries)}</strong> quer{usage.queries === 1 ? 'y' : 'ies'} by <strong>{formatCount(usage.readers)}</strong> reader{usage.readers === 1 ? '' : 's'} in 30 days
      {usage.teams.length > 0 && <> · teams {usage.teams.join(', ')}</>}
      {usage.lastReadAt && (
        <>
          {' '}
          · last read{' '}
          <time dateTime={usage.lastReadAt} title={formatDateTime(usage.lastReadAt)}>
            {formatAgo(usage.lastReadAt)}
          </time>
        </>
      )}
    </p>
  );
}

export function PortAccessPanel({ portId, access, onChanged }: { portId: string; access: PortAccess | 'loading' | undefined; onChanged: () => void }): ReactNode {
  const me = useMe();
  const [asking, setAsking] = useState<'access' | 'unmasked' | undefined>(undefined);
  const [created, setCreated] = useState<AccessRequest | undefined>(undefined);
  const headingId = `access-${portId}`;
  if (access === 'loading') {
    return (
      <p className="muted" role="status">
        Checking your access…
      </p>
    );
  }
  if (access === undefined) return null;
  const masked = Object.entries(access.masked);
  const readsMasked = access.canRead && access.relation === 'masked';
  const canAsk = me?.admin !== true && (!access.canRead || readsMasked);
  return (
    <section className="port-access" aria-labelledby={headingId} data-can-read={access.canRead} data-relation={access.relation}>
      <h4 id={headingId}>
        Your access<span className="visually-hidden"> to {portId}</span>
      </h4>
      {access.canRead ? (
        <p className="port-access-state">
          <span className="access-yes">
            <span aria-hidden="true">✔ </span>You may read this port
          </span>
          {access.via && <span className="muted"> ({via[access.via] ?? access.via})</span>}
          {readsMasked ? ', masked.' : '.'}
        </p>
      ) : (
        <p className="port-access-state">
          <span className="access-no">
            <span aria-hidden="true">✖ </span>You may not read this port
          </span>{' '}
          <span className="muted">
            (access: {access.access}
            {masked.length > 0 && <>; readers without clearance see {masked.length} columns masked</>}).
          </span>
        </p>
      )}
      {readsMasked && (
        <p className="note port-masked-note" role="note">
          <strong>You read this port masked.</strong> {masked.length} column{masked.length === 1 ? ' is' : 's are'} hashed, masked or removed for you ({masked.map(([column, how]) => `${column} ${maskLabel(how)}`).join(', ')}); the columns below mark them. Ask for unmasked access if your work needs them in the clear.
        </p>
      )}
      {access.canRead && <QuerySnippet port={access.port} />}
      {canAsk && asking === undefined && (
        <div className="row port-ask">
          <button
            type="button"
            className={`button${access.canRead ? '' : ' button-primary'}`}
            onClick={() => {
              setAsking(access.canRead ? 'unmasked' : 'access');
              setCreated(undefined);
            }}
          >
            {access.canRead ? 'Request unmasked access' : 'Request access'}
          </button>
        </div>
      )}
      {asking && (
        <RequestForm
          port={access.port}
          unmasked={asking === 'unmasked'}
          onCreated={(request) => {
            setAsking(undefined);
            setCreated(request);
            onChanged();
          }}
          onCancel={() => {
            setAsking(undefined);
          }}
        />
      )}
      <div role="status" aria-live="polite" className="port-request-created">
        {created && (
          <p>
            Request #{created.id} sent: <RequestStatus status={created.status} />{' '}
            {created.status === 'approved' ? 'approved at once.' : `the owners${created.owner ? ` (${created.owner})` : ''} decide; follow it on the `}
            {created.status !== 'approved' && <Link to={paths.access()}>access page</Link>}
            {created.status !== 'approved' && '.'}
          </p>
        )}
      </div>
      {access.requests.length > 0 && (
        <>
          <h5 className="port-requests-heading">Requests for this port</h5>
          <RequestList requests={access.requests} showPort={false} onChanged={onChanged} label={`Access requests for ${access.port}`} />
        </>
      )}
      <h5 className="port-usage-heading">Usage</h5>
      <Usage access={access} />
    </section>
  );
}
