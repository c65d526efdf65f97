/** Where a database source's connection URL comes from, and how it may be shown. */
import type { SourceNode } from '../../compiler/index.js';
import type { DatabaseSourceSpec } from '../../spec/index.js';
import { BuildFailure } from '../context.js';

/** The URL from the environment variable `url_env` names (or the password-free `url`). */
export function sourceUrl(node: SourceNode, spec: DatabaseSourceSpec, env: NodeJS.ProcessEnv = process.env): string {
  if (spec.url_env === undefined) return spec.url ?? '';
  const value = env[spec.url_env];
  if (value === undefined || value.trim() === '') {
    throw new BuildFailure(
      'source/url-env-missing',
      `Source \`${node.name}\` of ${node.product} reads its connection URL from the environment variable ${spec.url_env}, which is ${value === undefined ? 'not set' : 'empty'}.`,
      `Set ${spec.url_env} where Tessera runs, e.g. ${spec.url_env}=${spec.type === 'postgres' ? 'postgres://user:password@host:5432/database' : 'mysql://user:password@host:3306/database'} (keep it out of the repository).`,
      node.location,
    );
  }
  return value.trim();
}

/** The URL with its password replaced, for messages. */
export function redacted(url: string): string {
  return url.replace(/^([A-Za-z][A-Za-z0-9+.-]*:\/\/[^:@/?#]*):[^@/?#]*@/, '$1:***@').replace(/([?&]password=)[^&]*/gi, '$1***');
}
