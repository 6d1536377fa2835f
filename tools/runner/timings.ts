// Where the seconds of a run go: `npm run lab -- NN --timings` prints this split.
//
// Phases are `performance.mark`s named `workbook:<phase>` (one timeline per process, so the
// launcher, the CLI, vitest's global setup and the runner can each mark without passing anything
// around); test files add vitest's own per-file diagnostics (import and tests). Pure functions
// below; the marks are the only I/O.
import { performance } from 'node:perf_hooks';

const PREFIX = 'workbook:';

/** The phases of a run, in the order they happen. Each mark is set when its phase ENDS. */
export const Phase = {
  /** Node started, the CLI is bundled and `vitest/node` is imported (tools/cli/launch.mjs). */
  VITEST_LOADED: 'vitest-loaded',
  /** The CLI's bundle is loaded. */
  CLI_LOADED: 'cli-loaded',
  /** createVitest: the config, plugins and projects are resolved. */
  VITEST_CREATED: 'vitest-created',
  /** Global setup found PostgreSQL and Redis (env, containers or local ports). */
  SERVICES_FOUND: 'services-found',
  /** Global setup checked both answer. */
  SERVICES_ANSWER: 'services-answer',
  /** Global setup has the template databases. */
  TEMPLATES_READY: 'templates-ready',
  /** Every test file ran (vitest's run ended). */
  TESTS_DONE: 'tests-done',
  /** vitest closed (global teardown: run databases dropped). */
  CLOSED: 'closed',
} as const;
export type Phase = (typeof Phase)[keyof typeof Phase];

const LABELS: Record<Phase, string> = {
  [Phase.VITEST_LOADED]: 'node start, bundle the CLI, import vitest',
  [Phase.CLI_LOADED]: 'load the CLI',
  [Phase.VITEST_CREATED]: 'vitest config + projects',
  [Phase.SERVICES_FOUND]: 'find the services',
  [Phase.SERVICES_ANSWER]: 'services answer (ping)',
  [Phase.TEMPLATES_READY]: 'template databases',
  [Phase.TESTS_DONE]: 'test files (see below)',
  [Phase.CLOSED]: 'teardown (drop run databases)',
};

/** Marks the end of a phase (at most once per process and phase: a watch re-run keeps the first). */
export function markPhase(phase: Phase): void {
  if (performance.getEntriesByName(PREFIX + phase, 'mark').length === 0) performance.mark(PREFIX + phase);
}

/** Milliseconds since the process started, for each phase marked so far. */
export function readMarks(): Partial<Record<Phase, number>> {
  const marks: Partial<Record<Phase, number>> = {};
  for (const entry of performance.getEntriesByType('mark')) {
    if (entry.name.startsWith(PREFIX)) marks[entry.name.slice(PREFIX.length) as Phase] = entry.startTime;
  }
  return marks;
}

/** One test file, from vitest's diagnostics (milliseconds). */
export interface FileTiming {
  file: string;
  /** The vitest project that ran it, when a run has several (npm test: starter and solution run the same files). */
  project?: string;
  /** The worker's own set-up for this file (runner, environment, setup files). */
  startMs: number;
  /** Importing the test file and what it imports (the code under test, the harness). */
  importMs: number;
  /** Hooks and tests. */
  testsMs: number;
}

export interface Timings {
  /** Milliseconds since the process started at which each phase ended. */
  marks: Partial<Record<Phase, number>>;
  files: FileTiming[];
  /** Milliseconds since the process started, when the split was taken. */
  nowMs: number;
}

const total = (f: FileTiming) => f.startMs + f.importMs + f.testsMs;
const seconds = (ms: number) => `${(ms / 1000).toFixed(2).padStart(6)} s`;

/**
 * Pure: the `count` files that took longest (start + import + tests), as lines
 * `  12.3 s  [project] file`, longest first: where a whole run's seconds go.
 */
export function formatSlowestFiles(files: FileTiming[], count: number): string[] {
  return [...files]
    .sort((a, b) => total(b) - total(a))
    .slice(0, count)
    .map((f) => `  ${seconds(total(f))}  ${f.project ? `[${f.project}] ` : ''}${f.file}`);
}

/**
 * The split as text: each phase's own duration (from the previous mark), then each file's import
 * and tests. Files run in parallel, so their sum can exceed the "test files" phase.
 */
export function formatTimings(t: Timings): string {
  const lines = ['Where the time went (--timings):'];
  let previous = 0;
  for (const phase of Object.values(Phase)) {
    const at = t.marks[phase];
    if (at === undefined) continue;
    lines.push(`  ${seconds(at - previous)}  ${LABELS[phase]}`);
    previous = at;
  }
  for (const f of [...t.files].sort((a, b) => total(b) - total(a))) {
    lines.push(`      ${seconds(f.startMs)} start ${seconds(f.importMs)} import ${seconds(f.testsMs)} tests  ${f.file}`);
  }
  lines.push(`  ${seconds(t.nowMs)}  in all, since the process started`);
  return lines.join('\n');
}

/** A test file's split from vitest's `TestModule.diagnostic()`. */
export function fileTiming(
  file: string,
  d: { environmentSetupDuration: number; prepareDuration: number; setupDuration: number; collectDuration: number; duration: number },
  project?: string,
): FileTiming {
  return { file, ...(project !== undefined ? { project } : {}), startMs: d.environmentSetupDuration + d.prepareDuration + d.setupDuration, importMs: d.collectDuration, testsMs: d.duration };
}
