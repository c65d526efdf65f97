/** Health as a word and a shape as well as a colour, so that it reads without colour vision. */
import type { ReactNode } from 'react';
import type { Health } from '../api/types.js';

const symbol: Record<Health, string> = { ok: '●', warning: '▲', failing: '✖', unknown: '○' };
const label: Record<Health, string> = { ok: 'Healthy', warning: 'Warning', failing: 'Failing', unknown: 'Not run' };

export function healthLabel(health: Health): string {
  return label[health];
}

export function HealthBadge({ health, compact = false }: { health: Health; compact?: boolean }): ReactNode {
  return (
    <span className={`health health-${health}`} title={label[health]} data-health={health}>
      <span aria-hidden="true">{symbol[health]}</span>
      {compact ? <span className="visually-hidden">{label[health]}</span> : ` ${label[health]}`}
    </span>
  );
}

/** A check's or a node's outcome (pass, warn, fail, error, skipped, success…) as a badge. */
export function OutcomeBadge({ outcome }: { outcome: string }): ReactNode {
  return (
    <span className={`outcome outcome-${outcomeHealth(outcome)}`} data-outcome={outcome}>
      {outcome}
    </span>
  );
}

export function outcomeHealth(outcome: string): Health {
  switch (outcome) {
    case 'pass':
    case 'success':
    case 'published':
    case 'built':
      return 'ok';
    case 'warn':
    case 'warning':
      return 'warning';
    case 'fail':
    case 'failed':
    case 'error':
    case 'rejected':
      return 'failing';
    default:
      return 'unknown';
  }
}
