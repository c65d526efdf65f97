/**
 * The catalog without a session: how to get one, and a field to paste a token into.
 * Shown in place of whatever page was asked for (the address stays), so that after
 * logging in a reload lands on that page. `/login` itself is the server's: it spends
 * the one-time code of the link `tessera serve` prints.
 */
import { useRef, useState, type ReactNode, type SyntheticEvent } from 'react';
import { errorMessage, postJson } from '../../api/client.js';
import { useTitle } from '../../ui/use-title.js';
import './login.css';

export function LoginPage(): ReactNode {
  useTitle('Log in');
  const [token, setToken] = useState('');
  const [state, setState] = useState<{ phase: 'idle' | 'sending' | 'done' } | { phase: 'error'; message: string }>({ phase: 'idle' });
  const field = useRef<HTMLInputElement>(null);
  const submit = (event: SyntheticEvent): void => {
    event.preventDefault();
    const secret = token.trim();
    if (secret === '') {
      setState({ phase: 'error', message: 'Paste a token first.' });
      field.current?.focus();
      return;
    }
    setState({ phase: 'sending' });
    postJson<{ ok: boolean }>('/api/login', { token: secret }).then(
      () => {
        setState({ phase: 'done' });
        // The server keeps the token in an HttpOnly cookie; reloading opens the page asked for with it.
        window.location.reload();
      },
      (error: unknown) => {
        setState({ phase: 'error', message: errorMessage(error) });
        field.current?.focus();
      },
    );
  };
  const busy = state.phase === 'sending' || state.phase === 'done';
  return (
    <section className="login" aria-labelledby="login-heading">
      <h1 id="login-heading">Log in to the catalog</h1>
      <p>The catalog shows what your token allows: the ports you may read, the requests you may decide.</p>
      <ul className="login-ways">
        <li>
          <strong>The admin</strong> opens the login link that <code>tessera serve</code> printed when it started (it works once).
        </li>
        <li>
          <strong>Everyone else</strong> pastes a personal token below. Ask the admin for one, or make it yourself with{' '}
          <code>tessera token create --as &lt;e-mail&gt;</code>.
        </li>
      </ul>
      <form className="panel login-form" onSubmit={submit} noValidate>
        <label htmlFor="login-token">Personal token</label>
        <input
          id="login-token"
          ref={field}
          className="input mono"
          type="password"
          autoComplete="off"
          spellCheck={false}
          placeholder="tsr_…"
          value={token}
          aria-describedby="login-token-help"
          aria-invalid={state.phase === 'error' ? true : undefined}
          onChange={(event) => {
            setToken(event.target.value);
          }}
        />
        <p id="login-token-help" className="muted login-help">
          Kept by the browser as a cookie this site only can read; <strong>Log out</strong> in the header forgets it.
        </p>
        <button type="submit" className="button button-primary" disabled={busy}>
          {busy ? 'Logging in…' : 'Log in'}
        </button>
        <div role="status" aria-live="polite" className="login-status">
          {state.phase === 'error' && (
            <p className="error-box">
              <strong>Not logged in.</strong> {state.message}
            </p>
          )}
        </div>
      </form>
    </section>
  );
}
