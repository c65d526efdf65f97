import { join } from 'node:path';

/** Where Tessera keeps what it derives from a mesh (caches; later the warehouse and state). */
export function tesseraDir(root: string): string {
  return join(root, '.tessera');
}
