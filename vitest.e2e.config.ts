import { defineConfig } from 'vitest/config';

// End-to-end tests: the real web host (`dcnn web`) and Debian's Chromium driven by
// playwright-core. They expect a built tree (`npm run build`, which also builds the
// renderer into dist/renderer; `npm run test:e2e` runs it first). One file at a time, in
// one process: the scenario is sequential and the machine is small.
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.e2e.test.ts'],
    testTimeout: 180_000,
    hookTimeout: 180_000,
    pool: 'forks',
    poolOptions: { forks: { singleFork: true } },
    fileParallelism: false,
  },
});
