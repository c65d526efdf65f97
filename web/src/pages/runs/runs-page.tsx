import type { ReactNode } from 'react';
import { useTitle } from '../../ui/use-title.js';

export function RunsPage(): ReactNode {
  useTitle('Runs');
  return <h1>Runs</h1>;
}
