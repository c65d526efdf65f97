/** Levels of detail: what the map draws depends on how far out it is zoomed. */
import type { ReactFlowState } from '@xyflow/react';

/**
 * Below this zoom a product's name would be under 8 px: products become tiles coloured
 * and patterned by health, which also spares the browser laying out a thousand labels.
 */
export const DETAIL_ZOOM = 0.55;
/** Below this zoom a domain's name moves from its box's header to the middle of the box. */
export const LABEL_ZOOM = 0.5;

export const selectDetailed = (s: ReactFlowState): boolean => s.transform[2] >= DETAIL_ZOOM;
export const selectZoom = (s: ReactFlowState): number => s.transform[2];
