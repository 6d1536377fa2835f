import { performance } from 'node:perf_hooks';
import { describe, expect, test } from 'vitest';
import { fileTiming, formatSlowestFiles, formatTimings, markPhase, Phase, readMarks } from './timings.ts';

describe('timings', () => {
  test('each phase prints its own duration (from the previous mark), files slowest first', () => {
    const text = formatTimings({
      marks: { [Phase.VITEST_LOADED]: 500, [Phase.CLI_LOADED]: 700, [Phase.TEMPLATES_READY]: 1000, [Phase.TESTS_DONE]: 2500 },
      files: [
        { file: 'labs/x/a.test.ts', startMs: 10, importMs: 100, testsMs: 50 },
        { file: 'labs/x/b.test.ts', startMs: 10, importMs: 300, testsMs: 900 },
      ],
      nowMs: 2600,
    });
    const lines = text.split('\n');
    expect(lines[1]).toMatch(/0\.50 s {2}node start/);
    expect(lines[2]).toMatch(/0\.20 s {2}load the CLI/);
    expect(lines[3]).toMatch(/0\.30 s {2}template databases/);
    expect(lines[4]).toMatch(/1\.50 s {2}test files/);
    expect(lines[5]).toContain('b.test.ts');
    expect(lines[6]).toContain('a.test.ts');
    expect(lines[7]).toMatch(/2\.60 s {2}in all/);
  });

  test('the slowest files of a run: whole time per file, longest first, with the project when there is one', () => {
    const lines = formatSlowestFiles(
      [
        { file: 'labs/x/a.test.ts', project: 'starter', startMs: 100, importMs: 100, testsMs: 300 },
        { file: 'labs/x/a.test.ts', project: 'solution', startMs: 100, importMs: 100, testsMs: 12_000 },
        { file: 'tools/y.test.ts', startMs: 0, importMs: 0, testsMs: 1_000 },
      ],
      2,
    );
    expect(lines).toEqual(['   12.20 s  [solution] labs/x/a.test.ts', '    1.00 s  tools/y.test.ts']);
  });

  test('a phase is marked once per process (a watch re-run keeps the first), and read back', () => {
    markPhase(Phase.SERVICES_ANSWER);
    const first = readMarks()[Phase.SERVICES_ANSWER];
    markPhase(Phase.SERVICES_ANSWER);
    expect(readMarks()[Phase.SERVICES_ANSWER]).toBe(first);
    expect(first).toBeLessThanOrEqual(performance.now());
  });

  test("a file's start adds vitest's environment, prepare and setup durations", () => {
    expect(fileTiming('f', { environmentSetupDuration: 1, prepareDuration: 2, setupDuration: 3, collectDuration: 40, duration: 500 })).toEqual({
      file: 'f',
      startMs: 6,
      importMs: 40,
      testsMs: 500,
    });
  });
});
