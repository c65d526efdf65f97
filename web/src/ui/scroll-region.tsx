/**
 * Something wider than the screen (a table, a query snippet) that scrolls sideways: a
 * labelled region that takes the keyboard focus, so that it can be scrolled without a
 * mouse (axe: scrollable-region-focusable).
 */
import type { ReactNode } from 'react';

export function ScrollRegion({ label, className, children }: { label: string; className?: string; children: ReactNode }): ReactNode {
  return (
    <div className={className ? `scroll-region ${className}` : 'scroll-region'} role="region" aria-label={label} tabIndex={0}>
      {children}
    </div>
  );
}
