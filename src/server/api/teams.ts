/** `GET /api/teams` and `GET /api/teams/:id`: who owns what, how well kept it is, and what is failing. */
import type { FastifyInstance } from 'fastify';
import { didYouMean } from '../../diagnostics/index.js';
import { withHealth, type ProductHealthState } from '../../governance/index.js';
import type { ServerContext } from '../context.js';
import { catalogFor, type Catalog } from './catalog.js';
import { notFound } from './errors.js';
import { publicTeam } from './public-team.js';
import { errorResponses, teamListSchema, teamParams, teamSchema } from './schemas.js';
import { productHealth, type StateReader, type Status } from './status.js';

function teamIds(catalog: Catalog): string[] {
  const ids = new Set(catalog.teams.keys());
  for (const entry of catalog.products.values()) ids.add(entry.owner.id);
  return [...ids].sort();
}

/** The scorecards with the products' health counted (scorecard.ts, withHealth): a failing team is not graded A. */
function scorecardsWithHealth(catalog: Catalog, status: Status, now: number): ReturnType<Catalog['scorecards']> {
  const health = new Map<string, ProductHealthState>();
  for (const entry of catalog.products.values()) health.set(entry.id, productHealth(entry, status, now).health);
  return withHealth(catalog.scorecards(), health, catalog.mesh);
}

function team(catalog: Catalog, status: Status, id: string, now: number, cards = scorecardsWithHealth(catalog, status, now)): Record<string, unknown> {
  const score = cards.teams.find((t) => t.id === id);
  const productScores = new Map(cards.products.map((p) => [p.id, p]));
  const spec = catalog.teams.get(id);
  const products: Record<string, unknown>[] = [];
  const failing: Record<string, unknown>[] = [];
  for (const entry of catalog.products.values()) {
    if (entry.owner.id !== id) continue;
    const { health, reasons } = productHealth(entry, status, now);
    const ps = productScores.get(entry.id);
    products.push({ id: entry.id, name: entry.product.spec.name, health, ...(ps ? { score: ps.score, grade: ps.grade } : {}) });
    if (health === 'failing' || health === 'warning') failing.push({ product: entry.id, health, reasons });
  }
  // Failing before warning, so the first line is the one to act on.
  failing.sort((a, b) => Number(b.health === 'failing') - Number(a.health === 'failing'));
  return { ...(spec ? publicTeam(spec) : { id, name: id }), declared: spec !== undefined, products, scorecard: score, failing };
}

export function registerTeams(app: FastifyInstance, ctx: ServerContext, reader: StateReader): void {
  app.get('/teams', { schema: { summary: 'Teams with their products, scorecards and failures', tags: ['teams'], response: { 200: teamListSchema, ...errorResponses } } }, async () => {
    const catalog = catalogFor(ctx);
    const status = await reader.status(catalog);
    const now = Date.now();
    const cards = scorecardsWithHealth(catalog, status, now);
    return { teams: teamIds(catalog).map((id) => team(catalog, status, id, now, cards)) };
  });

  app.get<{ Params: { id: string } }>(
    '/teams/:id',
    { schema: { summary: 'One team', tags: ['teams'], params: teamParams, response: { 200: teamSchema, ...errorResponses } } },
    async (request) => {
      const catalog = catalogFor(ctx);
      const ids = teamIds(catalog);
      if (!ids.includes(request.params.id)) throw notFound(`No team \`${request.params.id}\`.${didYouMean(request.params.id, ids)}`);
      const status = await reader.status(catalog);
      return team(catalog, status, request.params.id, Date.now());
    },
  );
}
