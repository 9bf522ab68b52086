// Builds the renderer (the workspace UI) into dist/renderer as a self-contained static
// page: Monaco and its workers are bundled, nothing is fetched from a CDN, and the page
// works from file:// (Electron) and from the web host alike (relative base).
// Deliberately no React plugin: esbuild's automatic JSX runtime is all the UI needs.

import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  base: './',
  esbuild: { jsx: 'automatic' },
  build: {
    outDir: fileURLToPath(new URL('../dist/renderer', import.meta.url)),
    emptyOutDir: true,
    // Monaco alone is ~3 MB minified; it is split into its own lazily loaded chunk.
    chunkSizeWarningLimit: 4096,
    sourcemap: false,
  },
  worker: { format: 'es' },
  server: { fs: { allow: [fileURLToPath(new URL('..', import.meta.url))] } },
});
