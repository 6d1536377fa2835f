// Vitest global setup: runs once per test run (per project), before any test file.
// Finds the services, prepares template databases, and hands the tests what they need via `provide`.
import { randomBytes } from 'node:crypto';
import type { TestProject } from 'vitest/node';
import { assertServicesAnswer } from './reachability.ts';
import { describeServices, findServices, realProbes } from './services.ts';
import { prepareTemplates, dropRunDatabases } from './templates.ts';
import type { HarnessContext } from './context.ts';
import { markPhase, Phase } from '../runner/timings.ts';

export default async function setup(project: TestProject) {
  const services = await findServices(realProbes());
  markPhase(Phase.SERVICES_FOUND);
  if (!process.env.WORKBOOK_QUIET) console.log(`[workbook] ${describeServices(services)}`);
  await assertServicesAnswer(services).catch(async (error: unknown) => {
    await services.close();
    throw error;
  });
  markPhase(Phase.SERVICES_ANSWER);
  const templates = await prepareTemplates(services.databaseUrl);
  markPhase(Phase.TEMPLATES_READY);
  // A short id for this run: every database and Redis prefix a test creates carries it,
  // so teardown (and a later run, after a crash) can find exactly what this run left.
  const runId = randomBytes(3).toString('hex');
  const context: HarnessContext = {
    databaseUrl: services.databaseUrl,
    redisUrl: services.redisUrl,
    templates,
    runId,
    project: project.name,
  };
  project.provide('workbook', context);

  return async () => {
    await dropRunDatabases(services.databaseUrl, runId);
    await services.close();
  };
}
