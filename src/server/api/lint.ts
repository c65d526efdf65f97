/** `GET /api/lint`: the shared guidelines' findings of the last load. */
import type { FastifyInstance } from 'fastify';
import { diagnosticToJson } from '../../diagnostics/index.js';
import type { ServerContext } from '../context.js';
import { errorResponses, lintSchema } from './schemas.js';

export function registerLint(app: FastifyInstance, ctx: ServerContext): void {
  app.get('/lint', { schema: { summary: 'Lint findings', tags: ['governance'], response: { 200: lintSchema, ...errorResponses } } }, () => {
    // Lint needs no graph of its own: the findings are whatever the last load produced.
    const findings = ctx.mesh().lint.map((f) => diagnosticToJson(f.diagnostic));
    const count = (severity: string): number => findings.filter((f) => f.severity === severity).length;
    return { counts: { errors: count('error'), warnings: count('warning'), info: count('info') }, findings };
  });
}
