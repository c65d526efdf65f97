export { subjectOf, teamsOf, labelOf, type Identity } from './identity.js';
export { grantHolds, requestGrants, teamSubject, type ApprovedRequest, type Grant } from './grant.js';
export { decidePortAccess, holdingGrants, autoApproves, type Masking, type PortDecision, type PortPolicy, type Relation } from './decide.js';
export { columnMasks, portPolicy, portPolicies, specGrants, teamsOfEmail } from './policy.js';
export { engineRole, GATEWAY_ROLE, isEngineRole, planEngineGrants, type EngineGrantPlan, type EngineRead, type EngineRole } from './engine-grants.js';
