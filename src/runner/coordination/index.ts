export { openCoordinator, ProductBusyError, thisProcess, type LockHolder, type RunCoordinator } from './coordinator.js';
export { runAliveSql } from './postgres.js';
