export type { CheckOutcome, CheckRecord, NodeResult, RunCounts, NodeStatus, PortVersion, PortVersionStatus, RunRecord, RunStatus, StateStore } from './store.js';
export { SqlStateStore, STATE_MIGRATIONS, STATE_SCHEMA } from './sql-state-store.js';
export { text as textValue } from './values.js';
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
export { SqlCursorStore, type SourceColumnRecord, type SourceLoadRecord } from './cursor-store.js';
export { LeaseStore, MAX_ATTEMPTS, readWorkers, type Lease, type LeaseContext, type LeaseStatus, type Settled, type WorkerRecord } from './lease-store.js';
