// The import graph's shape, checked by `npm run lint` (dependency-cruiser): no cycles
// between files, and no arrow from a lower floor to a higher one. The per-folder import
// bans with their reasons live in eslint.config.mjs; this adds what ESLint cannot see:
// cycles that go through several files.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      severity: 'error',
      comment: 'A cycle makes two modules one: split out what both need (often into main/common).',
      from: {},
      to: { circular: true },
    },
    {
      name: 'domain-stays-down',
      severity: 'error',
      comment: 'The domain (compiler, chips, sim, formats) knows no process, store, devices, threads, services or UI.',
      from: { path: '^main/(compiler|chips|sim|formats)/' },
      to: { path: '^(main/(ipc|web|cli|services|store|devices|threads)/|main/app\\.ts|renderer/|preload/)' },
    },
    {
      name: 'common-imports-nothing',
      severity: 'error',
      from: { path: '^main/common/' },
      to: { path: '^(main/(?!common/)|renderer/|preload/|test/)' },
    },
    {
      name: 'renderer-through-contract',
      severity: 'error',
      from: { path: '^renderer/' },
      to: { path: '^(main/(?!common/)|test/)' },
    },
    {
      name: 'services-know-no-transport',
      severity: 'error',
      from: { path: '^main/(services|store|devices|threads)/' },
      to: { path: '^(main/(ipc|web|cli)/|main/app\\.ts|renderer/)' },
    },
    {
      name: 'threads-below-devices',
      severity: 'error',
      from: { path: '^main/threads/' },
      to: { path: '^main/(devices|services)/' },
    },
    {
      name: 'no-test-code-in-the-product',
      severity: 'error',
      from: { path: '^(main|preload|renderer)/' },
      to: { path: '^test/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(dist|dist-bench|node_modules)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.tsx', '.js', '.mjs'] },
  },
};
