// The house rules that a reviewer would otherwise have to remember, checked on every
// `npm test`: which folder may import which (ARCHITECTURE.md, "Rules of the house"), and
// a few TypeScript habits. Formatting is Prettier's job, not this file's.

import tseslint from 'typescript-eslint';

const NODE_IO = ['fs', 'fs/promises', 'net', 'http', 'https', 'child_process', 'worker_threads', 'os', 'dgram', 'cluster', 'readline', 'tty'].flatMap((m) => [m, `node:${m}`]);

/** An import pattern group: the folders (relative to the repo) a room may not reach. */
function forbid(names, message) {
  return { group: names, message };
}

const DOMAIN_FORBIDS = [
  forbid(['**/ipc/**', '**/web/**', '**/cli/**', '**/services/**', '**/store/**', '**/devices/**', '**/threads/**', '**/renderer/**', '**/app.js'], 'The domain (compiler, chips, sim, formats) knows no process: no IPC, web, CLI, services, store, devices, threads or UI.'),
];

function restricted(patterns, paths = []) {
  return ['error', { patterns, paths }];
}

export default tseslint.config(
  { ignores: ['dist/**', 'dist-bench/**', 'node_modules/**', 'coverage/**', 'test-results/**', 'native/**/build/**', 'renderer/dist/**'] },
  {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: { parser: tseslint.parser, ecmaVersion: 2022, sourceType: 'module' },
    plugins: { '@typescript-eslint': tseslint.plugin },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      'no-debugger': 'error',
      'no-var': 'error',
      'prefer-const': 'error',
    },
  },
  {
    files: ['main/compiler/**/*.ts', 'main/chips/**/*.ts', 'main/sim/**/*.ts', 'main/formats/**/*.ts'],
    rules: {
      'no-restricted-imports': restricted(DOMAIN_FORBIDS, [...NODE_IO.map((name) => ({ name, message: 'The domain does no Node I/O: take bytes and return values; the services read files.' })), { name: 'electron', message: 'The domain knows no Electron.' }]),
    },
  },
  {
    files: ['main/common/**/*.ts'],
    rules: {
      'no-restricted-imports': restricted([forbid(['../*', '!./*'], 'main/common imports nothing but main/common: everyone may import it, so it may import no one.')], NODE_IO.map((name) => ({ name, message: 'main/common is pure.' }))),
    },
  },
  {
    files: ['main/services/**/*.ts', 'main/store/**/*.ts', 'main/devices/**/*.ts', 'main/threads/**/*.ts'],
    rules: {
      'no-restricted-imports': restricted([forbid(['**/ipc/**', '**/web/**', '**/cli/**', '**/renderer/**', '**/app.js'], 'Services and the rooms below them know no transport (IPC, web, CLI) and no UI.')]),
    },
  },
  {
    // Worker threads run the simulator and the store for the device and service layers;
    // an import back up would make the two floors one.
    files: ['main/threads/**/*.ts'],
    rules: {
      'no-restricted-imports': restricted([forbid(['**/ipc/**', '**/web/**', '**/cli/**', '**/renderer/**', '**/app.js', '**/devices/**', '**/services/**'], 'Worker threads sit below devices and services: they import the domain, the store and main/common only.')]),
    },
  },
  {
    files: ['renderer/**/*.ts', 'renderer/**/*.tsx'],
    rules: {
      'no-restricted-imports': restricted(
        [forbid(['**/main/*/**', '!**/main/common/**', '**/test/**'], 'The renderer talks only through the contract: it imports preload/ and main/common/, nothing else of main, and no test code.')],
        [...NODE_IO.map((name) => ({ name, message: 'The renderer is DOM only.' })), { name: 'electron', message: 'The renderer reaches Electron only through the preload contract.' }],
      ),
    },
  },
);
