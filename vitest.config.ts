import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { MODULE_CACHE_DIR } from './tools/vitest/module-cache.ts';
import { labTargetPlugin, Target } from './tools/vitest/target-plugin.ts';

const root = fileURLToPath(new URL('.', import.meta.url));

// Three projects share one config:
//   starter  - every lab's tests against the learner's files (labs/)
//   solution - the same tests against the reference files (solutions/)
//   tools    - the workbook's own tests (CLI, harness, grader, the data layer in prisma/)
//   app      - the finished system's tests, beside it in solutions/app/tests
// `npm run lab -- NN` picks the project and the lab folder; `npm test` runs all three.
const labProject = (target: Target) => ({
  plugins: [labTargetPlugin({ target, root })],
  test: {
    name: target,
    include: ['labs/*/**/*.test.ts'],
    globalSetup: ['tools/testing/global-setup.ts'],
    // Forked workers, so the runner's watchdog can kill one stuck in a learner's endless loop
    // (tools/runner/watchdog.ts); watchdog-setup tells it what runs. A worker keeps what it imported
    // (vitest, the harness, Prisma, the lab's code) from one test file to the next (isolate: false):
    // each file has its own database and Redis prefix, and importing all of that again per file
    // was a third of npm test's CPU. Runs of code that may loop for ever, the grader's runs of a
    // student's files, pass `isolate: true` (RunOptions.isolate) so one stuck file takes no other
    // file's tests with it; `npm run lab` re-runs the files a killed worker did not get to.
    // fail-fast: an error thrown in a callback of the learner's code fails the running test at once.
    pool: 'forks' as const,
    isolate: false,
    setupFiles: ['tools/testing/watchdog-setup.ts', 'tools/testing/fail-fast.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});

export default defineConfig({
  test: {
    // Transformed files kept on disk between runs (tools/vitest/module-cache.ts); every project inherits it.
    experimental: { fsModuleCache: true, fsModuleCachePath: MODULE_CACHE_DIR },
    projects: [
      labProject(Target.STARTER),
      labProject(Target.SOLUTION),
      {
        test: {
          name: 'tools',
          include: ['tools/**/*.test.ts', 'prisma/**/*.test.ts'],
          globalSetup: ['tools/testing/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'app',
          include: ['solutions/app/tests/*.test.ts'],
          // Files share a worker (each starts its own app on its own database): the app's imports
          // took 3-4 s per file.
          isolate: false,
          globalSetup: ['tools/testing/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
