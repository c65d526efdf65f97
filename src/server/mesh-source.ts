import { watch, type FSWatcher } from 'node:fs';
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
  private watcher: FSWatcher | undefined;
  private timer: NodeJS.Timeout | undefined;
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

  /** Reloads after files under the root change (not Tessera's own folder or data files), debounced. */
  watch(): void {
    this.watcher = watch(this.root, { recursive: true }, (_event, file) => {
      const path = (file ?? '').split('\\').join('/');
      if (path.startsWith('.tessera') || path.startsWith('data/') || !/\.(ya?ml|sql)$/.test(path)) return;
      if (this.timer) clearTimeout(this.timer);
      this.timer = setTimeout(() => void this.load(), 200);
    });
  }

  async close(): Promise<void> {
    this.watcher?.close();
    if (this.timer) clearTimeout(this.timer);
    await this.loading;
  }
}
