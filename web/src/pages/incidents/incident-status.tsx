import type { ReactNode } from 'react';
import type { IncidentStatus } from '../../api/types.js';

export function IncidentStatusPill({ status }: { status: IncidentStatus }): ReactNode {
  return (
    <span className={`pill incident-status incident-status-${status}`} data-status={status}>
      {status}
    </span>
  );
}
