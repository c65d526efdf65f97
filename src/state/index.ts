export type { CheckOutcome, CheckRecord, NodeResult, RunCounts, NodeStatus, PortVersion, PortVersionStatus, RunRecord, RunStatus, StateStore } from './store.js';
export { SqlStateStore, STATE_SCHEMA } from './sql-state-store.js';
export { SqlAccessStore, hashToken, type AccessRequest, type AccessRequestStatus, type AuditEntry, type PortUsage, type TokenRecord, type TokenSubject } from './access-store.js';
export {
  SqlIncidentStore,
  type IncidentEntry,
  type IncidentRecord,
  type IncidentResolution,
  type IncidentStatus,
  type IncidentTx,
  type NewIncident,
  type NewOutbox,
  type OutboxRecord,
  type OutboxStatus,
} from './incident-store.js';
