import { createHash } from 'node:crypto';
import type { VisibleRelation } from '../gateway/index.js';
import { ShadowCatalog } from '../pgwire/index.js';

/** Shadow catalogs by the set of relations they hold, shared by the sessions that see the same set. */
export class CatalogCache {
  private readonly catalogs = new Map<string, { catalog: Promise<ShadowCatalog>; users: number; at: number }>();

  async acquire(relations: readonly VisibleRelation[], database: string, user: string): Promise<{ catalog: ShadowCatalog; release: () => void }> {
    const key = createHash('sha256').update(JSON.stringify([relations, database, user])).digest('hex');
    let entry = this.catalogs.get(key);
    if (!entry) {
      // Consumers read ports as tables (psql's \dt lists tables); that they are views is Tessera's business.
      const shadow = relations.map((r) => ({ schema: r.schema, name: r.name, kind: 'table' as const, ...(r.description === undefined ? {} : { description: r.description }), columns: r.columns }));
      entry = { catalog: ShadowCatalog.create(shadow, { database, user }), users: 0, at: Date.now() };
      this.catalogs.set(key, entry);
      this.sweep(key);
    }
    entry.users++;
    const held = entry;
    return {
      catalog: await held.catalog,
      release: () => {
        held.users--;
        held.at = Date.now();
      },
    };
  }

  /** Closes catalogs nobody uses that are older than a minute (the visible set changes with grants). */
  private sweep(keep: string): void {
    for (const [key, entry] of this.catalogs) {
      if (key === keep || entry.users > 0 || Date.now() - entry.at < 60_000) continue;
      this.catalogs.delete(key);
      void entry.catalog
        .then((c) => {
          c.close();
        })
        .catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    for (const entry of this.catalogs.values()) (await entry.catalog.catch(() => undefined))?.close();
    this.catalogs.clear();
  }
}

