import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
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
    // Each test file in its own process, so the runner's watchdog can kill a worker stuck in a
    // learner's endless loop (tools/runner/watchdog.ts); watchdog-setup tells it what runs.
    // fail-fast: an error thrown in a callback of the learner's code fails the running test at once.
    pool: 'forks' as const,
    setupFiles: ['tools/testing/watchdog-setup.ts', 'tools/testing/fail-fast.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});

export default defineConfig({
  test: {
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
          globalSetup: ['tools/testing/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
