import type { ReactNode } from 'react';
import { useTitle } from '../../ui/use-title.js';

export function RunPage({ id }: { id: number }): ReactNode {
  useTitle(`Run ${id}`);
  return <h1>Run {id}</h1>;
}
