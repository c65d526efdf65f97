export { runMesh, openState, type RunOptions } from './run-mesh.js';
export { NoWorkersError, type WorkersMode } from './distribute.js';
export { runWorker, type WorkerEvent, type WorkerOptions, type WorkerSummary } from './worker.js';
export type { RunEvent, RunSummary } from './events.js';
export { selectNodes, SelectionError } from './select.js';
export { openMeshWarehouse, warehousePath, WarehouseBusyError, WarehouseUnavailableError } from './warehouse-lock.js';
export { openCoordinator, ProductBusyError, runAliveSql, thisProcess, type LockHolder, type RunCoordinator } from './coordination/index.js';
export { openTrouble, storageTrouble, type StorageTrouble, type StorageKind } from './storage.js';
export { rollbackPort, RollbackError } from './publish-port.js';
export { productSchema, versionTable, VERSIONS_SCHEMA, KEEP_VERSIONS, RAW_SCHEMA, rawView } from './layout.js';
export { syncPortViews, MASK_SALT } from './port-views.js';

export type { AuditResult, SchemaFinding } from './audit.js';
export { evaluateChecks, type ChecksOutcome } from './evaluate-checks.js';
export { testMesh, type TestSummary, type TestedNode } from './test-mesh.js';
export { freshnessReport, freshnessVerdict, type FreshnessClock, type NewestValues, type PortFreshness } from './sla.js';
export { findSnapshot, repairSnapshot, snapshotHistory, SnapshotHistoryError, type HistoryQuery } from './snapshot-history.js';
export { applyEngineGrants, desiredPrivileges, enginesHaveRoles, grantStatements, MANAGED_ROLE_COMMENT, planEngineChanges, type EngineGrantChanges, type EnginePrivileges } from './engine-grants.js';
