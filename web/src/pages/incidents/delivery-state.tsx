/** How a notification's delivery reads, wherever a delivery log is shown. */
import type { ReactNode } from 'react';
import type { IncidentNotification } from '../../api/types.js';
import { formatDateTime } from '../../ui/format.js';

export function deliveryText(n: IncidentNotification): string {
  switch (n.state) {
    case 'delivered':
      return `delivered ${formatDateTime(n.deliveredAt)}`;
    case 'dead':
      return 'dead letter';
    case 'retrying':
      return `retrying, next attempt ${formatDateTime(n.nextAttemptAt)}`;
    case 'held':
      return `held until ${formatDateTime(n.nextAttemptAt)}${n.grouped !== undefined ? ` (grouping window, ${n.grouped} message${n.grouped === 1 ? '' : 's'})` : ''}`;
    default:
      return 'queued';
  }
}

export function DeliveryCell({ notification }: { notification: IncidentNotification }): ReactNode {
  return (
    <td className={`delivery-${notification.state}`} data-state={notification.state}>
      {deliveryText(notification)}
    </td>
  );
}

/** What the channel said last: its answer when delivered, else the error that made it retry or give up. */
export function lastAnswer(n: IncidentNotification): string {
  return n.status === 'delivered' ? (n.answer ?? '') : (n.lastError ?? '');
}
