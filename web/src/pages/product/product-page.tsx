import type { ReactNode } from 'react';
import { useTitle } from '../../ui/use-title.js';

export function ProductPage({ id }: { id: string }): ReactNode {
  useTitle(id);
  return <h1>{id}</h1>;
}
