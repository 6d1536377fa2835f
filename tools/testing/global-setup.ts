// Vitest global setup: runs once per test run (per project), before any test file.
// Finds the services, prepares template databases, and hands the tests what they need via `provide`.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { dropRunDatabases, holdRunLock, sweep } from './clone-pool.ts';
import { assertServicesAnswer } from './reachability.ts';
import { describeServices, findServices, realProbes, ServiceSource } from './services.ts';
import { prepareTemplates } from './templates.ts';
import type { HarnessContext } from './context.ts';
import { markPhase, Phase } from '../runner/timings.ts';
import { removeStale } from '../runner/disk-cache.mjs';

const RUN_DIR_PREFIX = 'workbook-run-';
/** A run folder untouched this long belongs to a run that crashed before its teardown (runs take minutes). */
const STALE_RUN_DIR_MS = 24 * 60 * 60 * 1000;

/** Removes the run folders (HarnessContext.runDir) that crashed runs left in the temp folder. Never throws. */
export function sweepRunDirs(): void {
  removeStale(os.tmpdir(), (name) => name.startsWith(RUN_DIR_PREFIX), STALE_RUN_DIR_MS);
}

export default async function setup(project: TestProject) {
  const services = await findServices(realProbes());
  markPhase(Phase.SERVICES_FOUND);
  if (!process.env.WORKBOOK_QUIET) console.log(`[workbook] ${describeServices(services)}`);
  await assertServicesAnswer(services).catch(async (error: unknown) => {
    await services.close();
    throw error;
  });
  markPhase(Phase.SERVICES_ANSWER);
  // A short id for this run: every database and Redis prefix a test creates carries it, so teardown
  // can find exactly what this run left. The run's lock tells other runs that it is still going:
  // once it is released (teardown, or a crash that closed the connection), a sweep may drop the rest.
  const runId = randomBytes(3).toString('hex');
  const locking = holdRunLock(services.databaseUrl, runId);
  const [templates, runLock] = await Promise.all([prepareTemplates(services.databaseUrl), locking]).catch(async (error: unknown) => {
    await locking.then((lock) => lock.release(), () => {});
    await services.close();
    throw error;
  });
  markPhase(Phase.TEMPLATES_READY);
  const spares = services.source !== ServiceSource.TESTCONTAINERS;
  // Beside the tests, not before them, and never waited for: what earlier runs left behind (a drop
  // cut short by the end of this process is the next run's to do).
  if (spares) void sweep(services.databaseUrl);
  sweepRunDirs(); // a directory listing of the temp folder: a few ms
  const runDir = await mkdtemp(path.join(os.tmpdir(), `${RUN_DIR_PREFIX}${runId}-`));
  const context: HarnessContext = {
    databaseUrl: services.databaseUrl,
    redisUrl: services.redisUrl,
    templates,
    runId,
    project: project.name,
    runDir,
    spares,
  };
  project.provide('workbook', context);

  return async () => {
    await rm(runDir, { recursive: true, force: true });
    await dropRunDatabases(services.databaseUrl, runId);
    await runLock.release();
    await services.close();
  };
}
