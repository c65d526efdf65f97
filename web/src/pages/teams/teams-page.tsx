import type { ReactNode } from 'react';
import { useTitle } from '../../ui/use-title.js';

export function TeamsPage(): ReactNode {
  useTitle('Teams');
  return <h1>Teams</h1>;
}
