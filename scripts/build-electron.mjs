// Builds the Electron-only entry points: main/app.ts (ESM, next to the rest of dist/main)
// and the sandboxed preload, bundled into one CommonJS file as sandboxed preloads require.
import { build } from 'esbuild';

await build({
  entryPoints: ['preload/preload.ts'],
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'chrome130',
  external: ['electron'],
  outfile: 'dist/preload/preload.cjs',
  logLevel: 'warning',
});
await build({
  entryPoints: ['main/app.ts'],
  bundle: false,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  outfile: 'dist/main/app.js',
  logLevel: 'warning',
});
