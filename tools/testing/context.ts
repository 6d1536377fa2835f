// What global setup hands every test file (through vitest's provide/inject).
export interface HarnessContext {
  /** URL of the PostgreSQL server the run uses. */
  databaseUrl: string;
  redisUrl: string;
  /** Template database names, by template kind. */
  templates: Record<TemplateKind, string>;
  runId: string;
  project: string;
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
