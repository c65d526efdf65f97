export { Gateway, DEFAULT_LIMITS, type GatewayLimits, type PreparedQuery, type QueryContext, type QueryResult, type VisibleRelation } from './gateway.js';
export { GatewayError, REFUSED, type GatewayErrorCode } from './errors.js';
export { QueryParser } from './parser.js';
