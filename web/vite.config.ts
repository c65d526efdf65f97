// The web catalog is a static single-page app: `npm run build` writes it to dist/web,
// which `tessera serve` serves next to the API.
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root: here,
  base: '/',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('../dist/web', import.meta.url)),
    emptyOutDir: true,
    // The map (xyflow) is its own chunk, so the catalog's first page does not wait for it.
    chunkSizeWarningLimit: 700,
  },
  server: {
    // `npm run dev:web` next to `tessera serve --port 4600`.
    proxy: { '/api': 'http://127.0.0.1:4600', '/healthz': 'http://127.0.0.1:4600' },
  },
});
