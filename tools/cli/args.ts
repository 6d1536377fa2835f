// Command-line grammar of `npm run lab`, `npm run grade` and `npm test`: pure functions from
// argv (and env) to a command, so every shape is unit-tested without running anything.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { learnerLang } from '../testing/say.ts';
import { Target } from '../vitest/target-plugin.ts';

export const Lang = { EN: 'en', KO: 'ko' } as const;
export type Lang = (typeof Lang)[keyof typeof Lang];

export class UsageError extends Error {
  readonly code = 'WORKBOOK_USAGE';
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

type Env = Record<string, string | undefined>;

/** `--lang` wins; else WORKBOOK_LANG; else a Korean locale (LC_ALL, LC_MESSAGES or LANG starting with `ko`); else English. */
export function pickLang(flag: string | undefined, env: Env): Lang {
  if (flag !== undefined) {
    if (flag === Lang.EN || flag === Lang.KO) return flag;
    throw new UsageError(`--lang must be "en" or "ko", not "${flag}"`);
  }
  return learnerLang(env);
}

/** File events do not reach Linux from a Windows drive under WSL, nor from many network drives: poll there. */
export function shouldPoll(flag: boolean, env: Env): boolean {
  if (flag) return true;
  if (env.WSL_DISTRO_NAME || env.WSL_INTEROP) return true;
  const chokidar = (env.CHOKIDAR_USEPOLLING ?? '').toLowerCase();
  return chokidar === '1' || chokidar === 'true';
}

const LAB_REF = /^(\d{1,2}|\d\d-[a-z0-9-]+)$/;

export type LabCommand =
  | { kind: 'help' }
  | { kind: 'list'; lang: Lang }
  | {
      kind: 'run';
      lab: string;
      target: Target;
      watch: boolean;
      poll: boolean;
      lang: Lang;
      /** `--step N`: only the tests of step N (1-based, lab.json order). */
      step?: number;
      /** `-t pattern`: only tests whose full name matches (passed to vitest's testNamePattern). */
      testPattern?: string;
      /** `--timings`: after the verdict, where the seconds went. */
      timings?: boolean;
    }
  | { kind: 'hint'; lab: string; lang: Lang; step?: number }
  | { kind: 'diff'; lab: string; lang: Lang }
  | { kind: 'reset'; lab: string }
  | { kind: 'doctor' };

const SUBCOMMANDS = ['list', 'hint', 'diff', 'reset', 'doctor', 'help'] as const;

export function parseLabArgs(argv: string[], env: Env = {}): LabCommand {
  // biome-ignore lint/suspicious/noImplicitAnyLet: typed by the assignment below (parseArgs' result type follows its options)
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        solution: { type: 'boolean', default: false },
        watch: { type: 'boolean', short: 'w', default: false },
        poll: { type: 'boolean', default: false },
        timings: { type: 'boolean', default: false },
        lang: { type: 'string' },
        step: { type: 'string' },
        'test-name-pattern': { type: 'string', short: 't' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) return { kind: 'help' };
  const lang = pickLang(values.lang, env);
  let step: number | undefined;
  if (values.step !== undefined) {
    if (!/^[1-9]\d*$/.test(values.step)) throw new UsageError(`--step takes a step number (1, 2, ...), not "${values.step}"`);
    step = Number(values.step);
  }
  const testPattern = values['test-name-pattern'];
  if (testPattern !== undefined) {
    try {
      new RegExp(testPattern);
    } catch (error) {
      throw new UsageError(`-t takes a regular expression: ${(error as Error).message}`);
    }
  }
  const [first, second, ...rest] = positionals;

  const labArg = (value: string | undefined, command: string): string => {
    if (value === undefined) throw new UsageError(`"${command}" needs a lab number, e.g. \`npm run lab -- ${command} 01\``);
    if (!LAB_REF.test(value)) throw new UsageError(`"${value}" is not a lab number (try 01, 2 or 01-sql-basics)`);
    return value;
  };
  const noMore = (extra: string[]) => {
    if (extra.length) throw new UsageError(`unexpected argument(s): ${extra.join(' ')}`);
  };
  const runFlagsOnlyForRun = (command: string) => {
    if (values.solution || values.watch || values.poll || values.timings || testPattern !== undefined || (step !== undefined && command !== 'hint')) {
      throw new UsageError(`--solution, --watch, --poll, --step, -t and --timings go with running a lab (\`npm run lab -- 01 --step 2\`), not with "${command}"`);
    }
  };

  if (first === undefined || first === 'list') {
    noMore(first === undefined ? [] : [second, ...rest].filter((x): x is string => x !== undefined));
    runFlagsOnlyForRun('list');
    return { kind: 'list', lang };
  }
  if ((SUBCOMMANDS as readonly string[]).includes(first)) {
    runFlagsOnlyForRun(first);
    switch (first as (typeof SUBCOMMANDS)[number]) {
      case 'help':
        return { kind: 'help' };
      case 'doctor':
        noMore([second, ...rest].filter((x): x is string => x !== undefined));
        return { kind: 'doctor' };
      case 'hint':
        noMore(rest);
        return { kind: 'hint', lab: labArg(second, 'hint'), lang, ...(step ? { step } : {}) };
      case 'diff':
        noMore(rest);
        return { kind: 'diff', lab: labArg(second, 'diff'), lang };
      case 'reset':
        noMore(rest);
        return { kind: 'reset', lab: labArg(second, 'reset') };
    }
  }
  if (!LAB_REF.test(first)) {
    throw new UsageError(`unknown command "${first}" (commands: a lab number, ${SUBCOMMANDS.join(', ')})`);
  }
  noMore([second, ...rest].filter((x): x is string => x !== undefined));
  return {
    kind: 'run',
    lab: first,
    target: values.solution ? Target.SOLUTION : Target.STARTER,
    watch: values.watch,
    poll: values.watch ? shouldPoll(values.poll, env) : false,
    lang,
    ...(step ? { step } : {}),
    ...(testPattern !== undefined ? { testPattern } : {}),
    ...(values.timings ? { timings: true } : {}),
  };
}

export interface GradeCommand {
  kind: 'grade';
  target: Target;
  /** The checkout to grade (absolute). */
  dir: string;
  /** Where grade.json, junit.xml, summary.md and classroom.json go (absolute). */
  out: string;
  /** Where the trusted tests come from (integrity.ts `canonicalTests`); undefined: this workbook's git HEAD. */
  testsFrom?: string;
  /** The sha256 the trusted files must have (grade.json `testsDigest`), else grading stops. */
  testsSha256?: string;
  /** 0..1: below it the grader exits 1. */
  minScore?: number;
  /** Grade only these labs (numbers or ids, as given: `05`, `5`, `05-redis-structures`); undefined: every lab. */
  labs?: string[];
}

export interface PackTestsCommand {
  kind: 'pack-tests';
  /** The bundle file to write (absolute). */
  file: string;
}

const badLab = (l: string): never => {
  throw new UsageError(`--lab "${l}" is not a lab number (try 05 or 05-redis-structures)`);
};

/** `0.6`, `60%` or `60` -> 0.6. */
export function parseScore(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(%?)$/.exec(text.trim());
  const n = m ? Number(m[1]) : Number.NaN;
  const score = m && (m[2] === '%' || n > 1) ? n / 100 : n;
  if (!(score >= 0 && score <= 1)) throw new UsageError(`--min-score must be a score from 0 to 1 or a percentage (0.6, 60%), not "${text}"`);
  return score;
}

export function parseGradeArgs(argv: string[], cwd: string, defaultDir: string): GradeCommand | PackTestsCommand | { kind: 'help' } {
  // biome-ignore lint/suspicious/noImplicitAnyLet: typed by the assignment below (parseArgs' result type follows its options)
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: false,
      strict: true,
      options: {
        target: { type: 'string', default: Target.STARTER },
        dir: { type: 'string' },
        out: { type: 'string', default: 'grade-out' },
        'tests-from': { type: 'string' },
        'tests-sha256': { type: 'string' },
        'min-score': { type: 'string' },
        'pack-tests': { type: 'string' },
        lab: { type: 'string', multiple: true },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values } = parsed;
  if (values.help) return { kind: 'help' };
  if (values['pack-tests'] !== undefined) return { kind: 'pack-tests', file: path.resolve(cwd, values['pack-tests']) };
  const sha = values['tests-sha256'];
  if (sha !== undefined && !/^[0-9a-f]{64}$/.test(sha)) throw new UsageError(`--tests-sha256 must be 64 hex digits (grade.json "testsDigest"), not "${sha}"`);
  if (values.target !== Target.STARTER && values.target !== Target.SOLUTION) {
    throw new UsageError(`--target must be "starter" or "solution", not "${values.target}"`);
  }
  const resolve = (p: string) => path.resolve(cwd, p);
  return {
    kind: 'grade',
    target: values.target,
    dir: values.dir ? resolve(values.dir) : defaultDir,
    out: resolve(values.out),
    // A folder or bundle is named relative to where the command was typed; a git ref or URL as is.
    ...(values['tests-from'] !== undefined ? { testsFrom: existsSync(resolve(values['tests-from'])) ? resolve(values['tests-from']) : values['tests-from'] } : {}),
    ...(sha !== undefined ? { testsSha256: sha } : {}),
    ...(values['min-score'] !== undefined ? { minScore: parseScore(values['min-score']) } : {}),
    ...(values.lab?.length ? { labs: values.lab.map((l) => (LAB_REF.test(l) ? l : badLab(l))) } : {}),
  };
}

export interface TestAllCommand {
  kind: 'test-all';
  /** Skip the docs build (it takes the longest). */
  skipDocs: boolean;
  /** Skip the per-file starter matrix (the longest stage after the docs). */
  skipMatrix: boolean;
}

export function parseTestAllArgs(argv: string[]): TestAllCommand | { kind: 'help' } {
  // biome-ignore lint/suspicious/noImplicitAnyLet: typed by the assignment below (parseArgs' result type follows its options)
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: false,
      strict: true,
      options: {
        'skip-docs': { type: 'boolean', default: false },
        'skip-matrix': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (parsed.values.help) return { kind: 'help' };
  return { kind: 'test-all', skipDocs: parsed.values['skip-docs'], skipMatrix: parsed.values['skip-matrix'] };
}
