/** The header's "who you are": the identity, its teams, and Log out. */
import { useState, type ReactNode } from 'react';
import { errorMessage, postJson } from '../api/client.js';
import { sessionEnded } from '../api/session.js';
import type { Me } from '../api/types.js';

export function identityName(me: Me): string {
  return me.identity.kind === 'admin' ? 'admin' : me.identity.label;
}

export function IdentityBox({ me }: { me: Me }): ReactNode {
  const [failed, setFailed] = useState<string | undefined>(undefined);
  const name = identityName(me);
  const teams = me.identity.teams;
  const logOut = (): void => {
    postJson('/api/logout', {}).then(
      () => {
        sessionEnded();
      },
      (error: unknown) => {
        setFailed(errorMessage(error));
      },
    );
  };
  return (
    <div className="identity" data-kind={me.identity.kind}>
      <p className="identity-who" title={teams.length > 0 ? `${name} · ${teams.join(', ')}` : name}>
        <span className="visually-hidden">Logged in as </span>
        <span className="identity-name">{name}</span>
        {teams.length > 0 && (
          <span className="identity-teams">
            <span className="visually-hidden">, team{teams.length === 1 ? '' : 's'} </span>
            {teams.join(', ')}
          </span>
        )}
        {me.identity.kind === 'service' && <span className="identity-teams">service</span>}
      </p>
      <button type="button" className="button identity-logout" onClick={logOut}>
        Log out
      </button>
      {failed && (
        <span role="alert" className="visually-hidden">
          Could not log out: {failed}
        </span>
      )}
    </div>
  );
}
