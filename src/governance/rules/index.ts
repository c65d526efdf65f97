import type { Rule } from '../rule.js';
import { accessGrantsRule } from './access-grants.js';
import { channelSecretsRule } from './channel-secrets.js';
import { deprecationRule } from './deprecation.js';
import { documentationRule } from './documentation.js';
import { glossaryRule } from './glossary.js';
import { internalNamingRule } from './internal-naming.js';
import { kindBoundariesRule } from './kind-boundaries.js';
import { namingRule } from './naming.js';
import { ownershipRule } from './ownership.js';
import { piiClassifiedRule } from './pii-classified.js';
import { piiMaskedRule } from './pii-masked.js';

/** Every built-in rule, in the order they run. */
export const builtInRules: readonly Rule[] = [
  namingRule,
  documentationRule,
  ownershipRule,
  glossaryRule,
  internalNamingRule,
  piiClassifiedRule,
  piiMaskedRule,
  kindBoundariesRule,
  deprecationRule,
  accessGrantsRule,
  channelSecretsRule,
];
