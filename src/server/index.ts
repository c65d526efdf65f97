export type { Job, JobKind, JobQueue, JobRequest, JobStatus, LoadedMesh, ServerContext } from './context.js';
export { startServer, serverNotePath, type RunningServer, type ServeOptions } from './serve.js';
export { SerialJobQueue, type JobRunner } from './jobs.js';
export { missedSince, productSchedules, upstreamProducts, Scheduler, type ProductSchedule } from './scheduler.js';
export { buildApp, type AppOptions } from './app.js';
export { webCatalogBuilt } from './web-catalog.js';
export { openServerAccess, type ServerAccess } from './access-setup.js';
export { adminTokenPath } from './auth.js';
