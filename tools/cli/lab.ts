// `npm run lab`: the learner's entry point. See `npm run lab -- --help` (tools/cli/help.ts).
import { findLab, listLabs, ROOT, type LabMeta } from '../labs/meta.ts';
import { parseLabArgs, UsageError } from './args.ts';
import { diffLab } from './diff.ts';
import { LAB_HELP } from './help.ts';
import { showHint } from './hint.ts';
import { formatLabList, unknownLabMessage } from './list-labs.ts';
import { ProgressStore } from './progress.ts';
import { resetLab } from './reset.ts';
import { ExitCode, runLab, watchLab } from './run-lab.ts';
import { exitWhenFlushed, style } from './style.ts';
import { markPhase, Phase } from '../runner/timings.ts';

markPhase(Phase.CLI_LOADED);

function labOrExplain(query: string): LabMeta {
  const lab = findLab(query, ROOT);
  if (lab) return lab;
  throw new UsageError(unknownLabMessage(query, listLabs(ROOT).map((l) => l.id)));
}

function checkStep(lab: LabMeta, step: number | undefined): void {
  if (step !== undefined && step > lab.steps.length) {
    const steps = lab.steps.map((s, i) => `${i + 1}. ${s.title.en}`).join('; ');
    throw new UsageError(`lab ${lab.id.slice(0, 2)} has ${lab.steps.length} steps, not ${step}: ${steps}`);
  }
}

async function main(argv: string[]): Promise<number> {
  const command = parseLabArgs(argv, process.env);
  const store = ProgressStore.in(ROOT, process.env);
  switch (command.kind) {
    case 'help':
      console.log(LAB_HELP);
      return 0;
    case 'list':
      console.log(formatLabList(listLabs(ROOT), store.read(), command.lang));
      return 0;
    case 'run': {
      const lab = labOrExplain(command.lab);
      checkStep(lab, command.step);
      const options = {
        root: ROOT,
        lab,
        target: command.target,
        lang: command.lang,
        store,
        ...(command.step ? { step: command.step } : {}),
        ...(command.testPattern !== undefined ? { testPattern: command.testPattern } : {}),
        ...(command.timings ? { timings: true } : {}),
      };
      if (command.watch) {
        await watchLab({ ...options, poll: command.poll }); // resolves only when it could not start
        return ExitCode.CANNOT_RUN;
      }
      return runLab(options);
    }
    case 'hint': {
      const lab = labOrExplain(command.lab);
      checkStep(lab, command.step);
      console.log(showHint(lab, command.lang, store, command.step));
      return 0;
    }
    case 'diff':
      diffLab(ROOT, labOrExplain(command.lab), command.lang);
      return 0;
    case 'reset': {
      const lab = labOrExplain(command.lab);
      const result = resetLab(ROOT, lab, store);
      if (result.restored.length === 0) console.log(`Lab ${lab.id.slice(0, 2)} is already the untouched starter: nothing to reset.`);
      else {
        console.log(`Restored the starter of ${result.restored.join(', ')}.`);
        if (result.backupDir) console.log(`Your version is saved in ${result.backupDir}/`);
      }
      return 0;
    }
    case 'doctor':
      // Loaded on demand: it pulls in the PostgreSQL and Redis clients, which a lab run loads later if at all.
      return (await import('./doctor.ts')).doctor(ROOT);
  }
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  if (error instanceof UsageError) {
    console.error(`${style.red('Error:')} ${error.message}\nSee \`npm run lab -- --help\`.`);
    process.exitCode = ExitCode.CANNOT_RUN;
  } else {
    console.error(error);
    process.exitCode = ExitCode.CANNOT_RUN;
  }
}
// Reached when the command is done (a watch that started never gets here).
exitWhenFlushed();
