// What global setup hands every test file (through vitest's provide/inject).
export interface HarnessContext {
  /** URL of the PostgreSQL server the run uses. */
  databaseUrl: string;
  redisUrl: string;
  /** Template database names, by template kind. */
  templates: Record<TemplateKind, string>;
  /** 6 hex digits; every database and Redis prefix of the run's test files carries it. */
  runId: string;
  project: string;
  /**
   * A folder of this run's own (one per project), removed at the run's end: what the run's test
   * files share on disk, e.g. the app's demo media made once instead of once per file.
   */
  runDir: string;
  /**
   * Keep spare copies of the templates between runs (clone-pool.ts): the servers outlive the run.
   * False for throwaway containers, which are gone before a spare could be used.
   */
  spares: boolean;
}

/**
 * `app`:   the video-editor schema (prisma/migrations applied) — labs 03+ and the app.
 * `empty`: nothing at all — labs 01 and 02, where the learner writes the DDL.
 */
export type TemplateKind = 'app' | 'empty';

declare module 'vitest' {
  export interface ProvidedContext {
    workbook: HarnessContext;
  }
}
