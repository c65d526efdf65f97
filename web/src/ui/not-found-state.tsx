/** A page whose subject does not exist (the API answered 404): say so, and where to go instead. */
import type { ReactNode } from 'react';
import { ApiError, type Loaded } from '../api/client.js';
import { Link } from '../router.js';

/** Whether `loaded` failed because the API has no such thing. */
export function isNotFound(loaded: Loaded<unknown>): boolean {
  return loaded.state === 'error' && loaded.error instanceof ApiError && loaded.error.status === 404;
}

/** The API's messages mark names with backticks (`No team \`x\`.`): show those as code. */
function withCode(message: string): ReactNode[] {
  return message.split('`').map((part, i) => (i % 2 === 1 ? <code key={i}>{part}</code> : part));
}

export function NotFoundState({ title, message, back }: { title: string; message: string; back: { to: string; label: string } }): ReactNode {
  return (
    <section className="not-found-state">
      <h1>{title}</h1>
      <p>{withCode(message)}</p>
      <p>
        <Link to={back.to}>{back.label}</Link>
      </p>
    </section>
  );
}
