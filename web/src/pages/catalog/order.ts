/** The orders the catalog offers; the server sorts (best match is its search score). */
import type { Sort } from './view.js';

export const SORT_LABELS: Record<Sort, string> = {
  best: 'Best match',
  name: 'Name',
  health: 'Health, failing first',
  recent: 'Recently published',
  popular: 'Most used (30 days)',
};
