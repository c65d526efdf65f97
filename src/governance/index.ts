export { lintMesh, type LintFinding, type LintOptions } from './lint.js';
export type { Finding, Rule, RuleContext, YamlEdit } from './rule.js';
export { builtInRules } from './rules/index.js';
export { aggregateScorecards, FAILING_TEAM_GRADE, gradeFor, HEALTH_PENALTY, productScore, scorecards, SCORE_FORMULA, SCORE_WEIGHTS, withHealth, type ProductHealthState, type DocumentationCoverage, type FindingCounts, type Grade, type PortScore, type ProductScore, type ScorecardSummary, type Scorecards, type TeamScore } from './scorecard.js';
export { diffContracts, normalizeType, type BreakingAllowance, type ContractChange, type ContractChangeKind, type ContractDiff, type ContractDiffOptions, type ContractDiffSummary, type ContractSide, type DownstreamFeature, type DownstreamProduct } from './contract-diff.js';
