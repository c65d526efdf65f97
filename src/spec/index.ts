export { alertSeverities, meshAlertsSchema, productAlertsSchema, type MeshAlertsSpec, type ProductAlertsSpec } from './alerts.js';
export {
  accessLevels,
  classifications,
  columnSchema,
  featureSchema,
  featureTypes,
  maskings,
  materializations,
  modelSchema,
  portSchema,
  productKinds,
  productSchema,
  productStatuses,
  snapshotSchema,
  sourceFormats,
  sourceSchema,
  type AccessLevel,
  type ColumnSpec,
  type FeatureSpec,
  type ModelSpec,
  type PortSpec,
  type PortGrantSpec,
  portGrantSchema,
  type ProductKind,
  type ProductSpec,
  type SnapshotSpec,
  type SourceSpec,
} from './product.js';
export {
  glossaryFileSchema,
  meshSchema,
  teamsFileSchema,
  type GlossaryTermSpec,
  type MeshSpec,
  type TeamSpec,
  type ChannelSpec,
} from './mesh.js';
export { IDENTIFIER, durationToMs, isValidCron } from './primitives.js';
export { jsonSchemaFor, specSchemas, type SpecSchemaFile } from './json-schema.js';
export { DEFAULT_ACCESS, portAccess, portTableName, type Mesh, type ModelDefinition, type Product, type SpecFile, type SpecPath } from './model.js';
