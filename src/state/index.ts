export type { NodeResult, NodeStatus, PortVersion, PortVersionStatus, RunRecord, RunStatus, StateStore } from './store.js';
export { SqlStateStore, STATE_SCHEMA } from './sql-state-store.js';
