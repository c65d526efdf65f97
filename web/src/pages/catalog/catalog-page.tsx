import type { ReactNode } from 'react';
import { useTitle } from '../../ui/use-title.js';

export function CatalogPage(): ReactNode {
  useTitle('CatalogPage');
  return <h1>CatalogPage</h1>;
}
