/**
 * Access requests as the product page and the access page list them: status as a word
 * and a symbol, and for those who decide, Approve, Deny (with a reason) and Revoke.
 */
import { useId, useState, type ReactNode, type SyntheticEvent } from 'react';
import { errorMessage, postJson } from '../api/client.js';
import type { AccessRequest } from '../api/types.js';
import { formatAgo, formatDateTime } from './format.js';

const symbol: Record<string, string> = { pending: '◷', approved: '✔', denied: '✖', revoked: '⊘' };

export function RequestStatus({ status }: { status: string }): ReactNode {
  return (
    <span className={`status-badge status-${status}`} data-status={status}>
      <span aria-hidden="true">{symbol[status] ?? '•'}</span> {status}
    </span>
  );
}

type Action = 'approve' | 'deny' | 'revoke';
const done: Record<Action, string> = { approve: 'approved', deny: 'denied', revoke: 'revoked' };

/** One request, with the decisions its viewer may take. */
export function RequestItem({ request, showPort = true, onChanged }: { request: AccessRequest; showPort?: boolean; onChanged: (changed: AccessRequest) => void }): ReactNode {
  const [denying, setDenying] = useState(false);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | undefined>(undefined);
  const reasonId = useId();
  const act = (action: Action, body: { reason?: string } = {}): void => {
    setBusy(true);
    setMessage(undefined);
    postJson<AccessRequest>(`/api/access-requests/${request.id}/${action}`, body).then(
      (changed) => {
        setBusy(false);
        setDenying(false);
        setMessage({ ok: true, text: `Request ${request.id} ${done[action]}.` });
        onChanged(changed);
      },
      (error: unknown) => {
        setBusy(false);
        setMessage({ ok: false, text: errorMessage(error) });
      },
    );
  };
  const deny = (event: SyntheticEvent): void => {
    event.preventDefault();
    if (reason.trim() === '') {
      setMessage({ ok: false, text: 'Say why the request is denied: the requester reads it.' });
      return;
    }
    act('deny', { reason: reason.trim() });
  };
  const decidable = request.canDecide === true;
  return (
    <li className="request" data-request={request.id} data-status={request.status}>
      <div className="request-head">
        <RequestStatus status={request.status} />
        <span className="request-title">
          {showPort && (
            <>
              <code>{request.port}</code>{' '}
            </>
          )}
          <span className="request-who">
            {request.requester}
            {request.team && <> for team {request.team}</>}
          </span>
        </span>
        {request.unmasked && <span className="pill">unmasked</span>}
        <span className="muted request-when">
          #{request.id} · asked{' '}
          <time dateTime={request.createdAt} title={formatDateTime(request.createdAt)}>
            {formatAgo(request.createdAt)}
          </time>
        </span>
      </div>
      <p className="request-purpose">
        <span className="visually-hidden">Purpose: </span>“{request.purpose}”
      </p>
      {(request.decidedBy || request.expiresAt || request.reason) && (
        <p className="muted request-decision">
          {request.decidedBy && (
            <>
              {request.status} by {request.decidedBy}
              {request.decidedAt && (
                <>
                  {' '}
                  <time dateTime={request.decidedAt} title={formatDateTime(request.decidedAt)}>
                    {formatAgo(request.decidedAt)}
                  </time>
                </>
              )}
              .{' '}
            </>
          )}
          {request.reason && <>Reason: {request.reason}. </>}
          {request.expiresAt && (
            <>
              {request.status === 'approved' ? 'Expires' : 'Would expire'} <time dateTime={request.expiresAt}>{formatDateTime(request.expiresAt)}</time>.
            </>
          )}
        </p>
      )}
      {decidable && request.status === 'pending' && !denying && (
        <div className="row request-actions">
          <button
            type="button"
            className="button button-primary"
            disabled={busy}
            onClick={() => {
              act('approve');
            }}
          >
            Approve<span className="visually-hidden"> request {request.id}</span>
          </button>
          <button
            type="button"
            className="button button-danger"
            disabled={busy}
            onClick={() => {
              setDenying(true);
              setMessage(undefined);
            }}
          >
            Deny<span className="visually-hidden"> request {request.id}</span>
          </button>
        </div>
      )}
      {decidable && request.status === 'pending' && denying && (
        <form className="request-deny" onSubmit={deny}>
          <div className="field">
            <label htmlFor={reasonId}>Reason for denying request {request.id}</label>
            <input
              id={reasonId}
              className="input"
              value={reason}
              // The form opened on a click of Deny: typing the reason comes next.
              autoFocus
              onChange={(event) => {
                setReason(event.target.value);
              }}
            />
          </div>
          <div className="row">
            <button type="submit" className="button button-danger" disabled={busy}>
              Deny
            </button>
            <button
              type="button"
              className="button"
              onClick={() => {
                setDenying(false);
              }}
            >
              Cancel
            </button>
          </div>
        </form>
      )}
      {decidable && request.status === 'approved' && (
        <div className="row request-actions">
          <button
            type="button"
            className="button button-danger"
            disabled={busy}
            onClick={() => {
              act('revoke');
            }}
          >
            Revoke<span className="visually-hidden"> request {request.id}</span>
          </button>
        </div>
      )}
      <div role="status" aria-live="polite" className="request-message">
        {message && <span className={message.ok ? 'request-ok' : 'request-error'}>{message.text}</span>}
      </div>
    </li>
  );
}

export function RequestList({ requests, showPort = true, onChanged, label }: { requests: readonly AccessRequest[]; showPort?: boolean; onChanged: (changed: AccessRequest) => void; label: string }): ReactNode {
  return (
    <ul className="requests" aria-label={label}>
      {requests.map((request) => (
        <RequestItem key={request.id} request={request} showPort={showPort} onChanged={onChanged} />
      ))}
    </ul>
  );
}
