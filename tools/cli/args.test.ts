import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { Target } from '../vitest/target-plugin.ts';
import { parseGradeArgs, parseLabArgs, parseScore, parseTestAllArgs, pickLang, shouldPoll, UsageError } from './args.ts';

describe('parseLabArgs', () => {
  test('no arguments lists the labs', () => {
    expect(parseLabArgs([])).toEqual({ kind: 'list', lang: 'en' });
    expect(parseLabArgs(['list', '--lang', 'ko'])).toEqual({ kind: 'list', lang: 'ko' });
  });

  test('a lab number runs it against the starter', () => {
    expect(parseLabArgs(['01'])).toEqual({ kind: 'run', lab: '01', target: Target.STARTER, watch: false, poll: false, lang: 'en' });
  });

  test('--timings asks for the time split, only when a lab runs', () => {
    expect(parseLabArgs(['05', '--timings'])).toMatchObject({ kind: 'run', lab: '05', timings: true });
    expect(() => parseLabArgs(['hint', '05', '--timings'])).toThrow(UsageError);
  });

  test('--solution runs the reference; --watch and --poll go together', () => {
    expect(parseLabArgs(['2', '--solution'])).toMatchObject({ kind: 'run', lab: '2', target: Target.SOLUTION });
    expect(parseLabArgs(['01-sql-basics', '--watch', '--poll'])).toMatchObject({ lab: '01-sql-basics', watch: true, poll: true });
    expect(parseLabArgs(['01', '-w'])).toMatchObject({ watch: true, poll: false });
  });

  test('--step N runs one step; -t passes a name pattern through', () => {
    expect(parseLabArgs(['05', '--step', '2'])).toMatchObject({ kind: 'run', lab: '05', step: 2 });
    expect(parseLabArgs(['05', '-t', 'recover'])).toMatchObject({ kind: 'run', testPattern: 'recover' });
    expect(parseLabArgs(['hint', '05', '--step', '3'])).toMatchObject({ kind: 'hint', step: 3 });
  });

  test.each([
    [['05', '--step', '0'], /--step takes a step number/],
    [['05', '--step', 'two'], /--step takes a step number/],
    [['05', '-t', '('], /-t takes a regular expression/],
    [['diff', '05', '--step', '1'], /go with running a lab/],
  ])('%j is refused', (argv, message) => {
    expect(() => parseLabArgs(argv)).toThrow(message);
  });

  test('--poll without --watch changes nothing (there is nothing to poll)', () => {
    expect(parseLabArgs(['01', '--poll'])).toMatchObject({ watch: false, poll: false });
  });

  test('watching polls by itself under WSL or with CHOKIDAR_USEPOLLING', () => {
    expect(parseLabArgs(['01', '--watch'], { WSL_DISTRO_NAME: 'Ubuntu' })).toMatchObject({ poll: true });
    expect(parseLabArgs(['01', '--watch'], { CHOKIDAR_USEPOLLING: 'true' })).toMatchObject({ poll: true });
  });

  test.each([
    [['hint', '3'], { kind: 'hint', lab: '3', lang: 'en' }],
    [['hint', '03', '--lang', 'ko'], { kind: 'hint', lab: '03', lang: 'ko' }],
    [['diff', '12'], { kind: 'diff', lab: '12', lang: 'en' }],
    [['reset', '07-websocket-server'], { kind: 'reset', lab: '07-websocket-server' }],
    [['doctor'], { kind: 'doctor' }],
    [['--help'], { kind: 'help' }],
    [['-h'], { kind: 'help' }],
    [['help'], { kind: 'help' }],
    [['01', '--help'], { kind: 'help' }],
  ])('%j', (argv, expected) => {
    expect(parseLabArgs(argv)).toEqual(expected);
  });

  test('LANG=ko_KR.UTF-8 picks Korean; --lang wins over it', () => {
    expect(parseLabArgs(['hint', '1'], { LANG: 'ko_KR.UTF-8' })).toMatchObject({ lang: 'ko' });
    expect(parseLabArgs(['hint', '1', '--lang', 'en'], { LANG: 'ko_KR.UTF-8' })).toMatchObject({ lang: 'en' });
  });

  test.each([
    [['hint'], /needs a lab number/],
    [['hint', 'abc'], /"abc" is not a lab number/],
    [['frobnicate'], /unknown command "frobnicate"/],
    [['01', '02'], /unexpected argument/],
    [['01', '--soluton'], /Unknown option '--soluton'/],
    [['--lang', 'fr'], /--lang must be "en" or "ko"/],
    [['diff', '01', '--watch'], /go with running a lab/],
    [['doctor', 'now'], /unexpected argument/],
  ])('%j is a usage error', (argv, message) => {
    expect(() => parseLabArgs(argv)).toThrow(UsageError);
    expect(() => parseLabArgs(argv)).toThrow(message);
  });
});

describe('pickLang and shouldPoll', () => {
  test('LC_ALL wins over LANG', () => {
    expect(pickLang(undefined, { LC_ALL: 'en_US.UTF-8', LANG: 'ko_KR.UTF-8' })).toBe('en');
    expect(pickLang(undefined, {})).toBe('en');
  });

  test('CHOKIDAR_USEPOLLING=0 does not poll', () => {
    expect(shouldPoll(false, { CHOKIDAR_USEPOLLING: '0' })).toBe(false);
    expect(shouldPoll(false, { CHOKIDAR_USEPOLLING: '1' })).toBe(true);
    expect(shouldPoll(false, { WSL_INTEROP: '/run/WSL/1_interop' })).toBe(true);
  });
});

describe('parseGradeArgs', () => {
  const cwd = path.resolve('/home/teacher');
  const root = path.resolve('/work/book');

  test('defaults: starter, this checkout, grade-out/ under the current folder', () => {
    expect(parseGradeArgs([], cwd, root)).toEqual({ kind: 'grade', target: Target.STARTER, dir: root, out: path.join(cwd, 'grade-out') });
  });

  test('relative --dir and --out resolve against the current folder', () => {
    expect(parseGradeArgs(['--target', 'solution', '--dir', 'students/ann', '--out', '/tmp/out'], cwd, root)).toEqual({
      kind: 'grade',
      target: Target.SOLUTION,
      dir: path.join(cwd, 'students/ann'),
      out: path.resolve('/tmp/out'),
    });
  });

  test('rejects an unknown target and stray arguments', () => {
    expect(() => parseGradeArgs(['--target', 'teacher'], cwd, root)).toThrow(/--target must be "starter" or "solution"/);
    expect(() => parseGradeArgs(['students/ann'], cwd, root)).toThrow(UsageError);
  });

  test('--help', () => {
    expect(parseGradeArgs(['--help'], cwd, root)).toEqual({ kind: 'help' });
  });
});

describe('parseTestAllArgs', () => {
  test('runs everything by default; --skip-docs skips the docs build', () => {
    expect(parseTestAllArgs([])).toEqual({ kind: 'test-all', skipDocs: false, skipMatrix: false });
    expect(parseTestAllArgs(['--skip-docs'])).toEqual({ kind: 'test-all', skipDocs: true, skipMatrix: false });
    expect(parseTestAllArgs(['--skip-matrix'])).toMatchObject({ skipMatrix: true });
    expect(() => parseTestAllArgs(['--fast'])).toThrow(UsageError);
  });
});

describe('grading a class: --min-score, --lab, --tests-from, --tests-sha256, --pack-tests', () => {
  test('--min-score takes a fraction or a percentage, and nothing else', () => {
    expect(parseScore('0.6')).toBe(0.6);
    expect(parseScore('60%')).toBe(0.6);
    expect(parseScore('60')).toBe(0.6);
    expect(() => parseScore('150%')).toThrow(UsageError);
    expect(() => parseScore('most')).toThrow(/--min-score must be/);
  });

  test('the Classroom command line', () => {
    const sha = 'a'.repeat(64);
    expect(parseGradeArgs(['--tests-from', 'v1.3', '--tests-sha256', sha, '--lab', '05', '--lab', '06-redis-caching', '--min-score', '60%'], '/x', '/book')).toMatchObject({
      kind: 'grade',
      testsFrom: 'v1.3',
      testsSha256: sha,
      labs: ['05', '06-redis-caching'],
      minScore: 0.6,
    });
    expect(() => parseGradeArgs(['--tests-sha256', 'abc'], '/x', '/book')).toThrow(/64 hex digits/);
    expect(() => parseGradeArgs(['--lab', 'five'], '/x', '/book')).toThrow(/not a lab number/);
    expect(parseGradeArgs(['--pack-tests', 'tests.json'], '/x', '/book')).toEqual({ kind: 'pack-tests', file: path.resolve('/x', 'tests.json') });
  });
});
