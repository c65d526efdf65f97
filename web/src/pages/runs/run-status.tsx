/** A run's status as a badge: a word and a shape as well as a colour. */
import type { ReactNode } from 'react';
import { outcomeHealth } from '../../ui/health.js';

const symbol: Record<string, string> = { success: '●', failed: '✖', running: '◔', abandoned: '○' };

export function RunStatus({ status }: { status: string }): ReactNode {
  return (
    <span className={`outcome outcome-${outcomeHealth(status)} run-status`} data-status={status}>
      <span aria-hidden="true">{symbol[status] ?? '○'}</span> {status}
    </span>
  );
}
