import { readdirSync, watch, type FSWatcher } from 'node:fs';
import { join } from 'node:path';
import { hasErrors } from '../diagnostics/index.js';
import { lintMesh } from '../governance/index.js';
import { openMesh, todayUtc } from '../workspace/index.js';
import type { LoadedMesh } from './context.js';

/**
 * The server's view of the mesh: loaded at start, and again whenever a spec or
 * SQL file changes. A broken edit keeps the last good graph serving and reports
 * its diagnostics instead of stopping the server.
 */
export class MeshSource {
  private current: LoadedMesh = { diagnostics: [], lint: [], loadedAt: new Date().toISOString(), broken: true };
  private timer: NodeJS.Timeout | undefined;
  /** Watched folder → its watcher. */
  private readonly watchers = new Map<string, FSWatcher>();
  private watching = false;
  private loading: Promise<void> = Promise.resolve();

  constructor(
    private readonly root: string,
    private readonly onReload: (mesh: LoadedMesh) => void = () => undefined,
  ) {}

  get(): LoadedMesh {
    return this.current;
  }

  async load(): Promise<LoadedMesh> {
    this.loading = this.loading.then(async () => {
      // Guidelines are reported, not enforced: a policy error does not stop the mesh from being served or run.
      const opened = await openMesh(this.root);
      const broken = hasErrors(opened.diagnostics) || !opened.mesh || !opened.graph;
      const loadedAt = new Date().toISOString();
      const { mesh, graph } = opened;
      if (broken || !mesh || !graph) {
        this.current = { ...(this.current.mesh ? { mesh: this.current.mesh } : {}), ...(this.current.graph ? { graph: this.current.graph } : {}), diagnostics: opened.diagnostics, lint: this.current.lint, loadedAt, broken: true };
      } else {
        this.current = { mesh, graph, diagnostics: opened.diagnostics, lint: lintMesh(mesh, graph, { today: todayUtc() }), loadedAt, broken: false };
      }
      this.onReload(this.current);
    });
    await this.loading;
    return this.current;
  }

  /**
   * Reloads after a spec or SQL file changes, debounced. Folders are watched, not
   * files: an editor that saves by writing a new file and renaming it over the old
   * one (`sed -i`, vim, VS Code's atomic save) replaces the file's inode, which a
   * watch on the file (or Node 20's recursive watch on Linux, which watches files)
   * stops seeing. A watch on the folder sees every way a name's content changes:
   * written in place, truncated and written, renamed over, deleted, created. The
   * watched folders are the mesh root and everything under `products/`; they are
   * re-listed on every reload, so new products and model folders are watched too.
   */
  watch(): void {
    this.watching = true;
    this.syncWatchers();
  }

  private syncWatchers(): void {
    if (!this.watching) return;
    const seen = new Set<string>();
    const add = (dir: string, rel: string): void => {
      seen.add(dir);
      if (!this.watchers.has(dir)) {
        try {
          const watcher = watch(dir, (event, file) => {
            this.changed(event, rel, file);
          });
          // A folder that disappears ends its watch; the next listing forgets it.
          watcher.on('error', () => {
            watcher.close();
            this.watchers.delete(dir);
            this.schedule();
          });
          this.watchers.set(dir, watcher);
        } catch {
          return; // gone, or not readable: a reload reports what matters
        }
      }
    };
    const walk = (dir: string, rel: string): void => {
      add(dir, rel);
      let entries: { name: string; isDirectory(): boolean }[];
      try {
        entries = readdirSync(dir, { withFileTypes: true });
      } catch {
        return;
      }
      for (const entry of entries) {
        if (entry.isDirectory() && !entry.name.startsWith('.') && entry.name !== 'node_modules') walk(join(dir, entry.name), `${rel}/${entry.name}`);
      }
    };
    add(this.root, '');
    walk(join(this.root, 'products'), 'products');
    for (const [dir, watcher] of this.watchers) {
      if (seen.has(dir)) continue;
      watcher.close();
      this.watchers.delete(dir);
    }
  }

  /** An event in folder `rel`: spec and SQL files count, and names without an extension (folders, or an editor's temporary file before its rename). */
  private changed(event: string, rel: string, file: string | null): void {
    const name = (file ?? '').split('\\').join('/');
    const relevant = name === '' || /\.(ya?ml|sql)$/i.test(name) || (event === 'rename' && !name.includes('.'));
    if (rel === '' && (name.startsWith('.tessera') || name.startsWith('data'))) return;
    if (relevant) this.schedule();
  }

  private schedule(): void {
    if (!this.watching) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.syncWatchers();
      void this.load();
    }, 150);
  }

  async close(): Promise<void> {
    this.watching = false;
    for (const watcher of this.watchers.values()) watcher.close();
    this.watchers.clear();
    if (this.timer) clearTimeout(this.timer);
    await this.loading;
  }
}
