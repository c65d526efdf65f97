import type { ReactNode } from 'react';
import { useTitle } from '../../ui/use-title.js';

export function MapPage(): ReactNode {
  useTitle('MapPage');
  return <h1>MapPage</h1>;
}
