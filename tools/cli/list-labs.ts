// `npm run lab`: every lab with the learner's status, and overall progress.
import type { Lang } from './args.ts';
import { Part, type LabMeta } from '../labs/meta.ts';
import { LabStatus, statusOf, type Progress } from './progress.ts';
import { columns, padEnd, style } from './style.ts';

const PART_TITLE: Record<Part, Record<Lang, string>> = {
  [Part.POSTGRES]: { en: 'PostgreSQL and Prisma', ko: 'PostgreSQL과 Prisma' },
  [Part.REDIS]: { en: 'Redis', ko: 'Redis' },
  [Part.WEBSOCKETS]: { en: 'WebSockets', ko: 'WebSocket' },
  [Part.PIPELINE]: { en: 'Pipeline and scaling', ko: '파이프라인과 확장' },
};

export function statusText(progress: Progress, id: string, lang: Lang = 'en'): string {
  const entry = progress.labs[id];
  const ko = lang === 'ko';
  switch (statusOf(entry)) {
    case LabStatus.NOT_STARTED:
      return style.dim(ko ? '· 시작 전' : '· not started');
    case LabStatus.DONE:
      return style.green(ko ? `✓ 완료 (테스트 ${entry?.total ?? 0}개)` : `✓ done (${entry?.total ?? 0} tests)`);
    case LabStatus.FAILING:
      return style.yellow(ko ? `✗ ${entry?.total ?? 0}개 중 ${entry?.failed ?? 0}개 실패` : `✗ failing ${entry?.failed ?? 0} of ${entry?.total ?? 0}`);
    case LabStatus.BROKEN:
      return style.red(ko ? '! 지난번에 실행하지 못함 (다시 실행하면 이유가 나옵니다)' : '! could not run last time (run it again to see why)');
  }
}

/** "· steps 3/8 done", from the last run of each step; empty before the first run. */
export function stepsText(lab: Pick<LabMeta, 'id' | 'steps'>, progress: Progress, lang: Lang = 'en'): string {
  const steps = progress.labs[lab.id]?.steps;
  if (!steps) return '';
  const done = lab.steps.filter((s) => steps[s.id] === true).length;
  return style.dim(lang === 'ko' ? ` · ${lab.steps.length}단계 중 ${done}단계 완료` : ` · steps ${done}/${lab.steps.length} done`);
}

export function progressBar(done: number, total: number, width = 24): string {
  const filled = total === 0 ? 0 : Math.round((done / total) * width);
  return `[${style.green('#'.repeat(filled))}${style.dim('.'.repeat(width - filled))}]`;
}

/** Pure: what to say for `npm run lab -- NN` when lab NN does not exist. */
export function unknownLabMessage(query: string, ids: string[]): string {
  return `There is no lab "${query}". ${ids.length ? `Labs: ${ids.join(', ')}` : 'No labs exist yet.'}`;
}

/**
 * The next lab to work on: the one the learner ran last, while it is not done (lab 05 in
 * progress means "go on with 05", even with 01 skipped); else the first one not done.
 */
export function nextLab(labs: LabMeta[], progress: Progress): LabMeta | undefined {
  const notDone = labs.filter((lab) => statusOf(progress.labs[lab.id]) !== LabStatus.DONE);
  const lastRun = (lab: LabMeta) => progress.labs[lab.id]?.lastRun ?? '';
  const inProgress = notDone.filter((lab) => lastRun(lab) !== '').sort((a, b) => lastRun(b).localeCompare(lastRun(a)));
  return inProgress[0] ?? notDone[0];
}

export function formatLabList(labs: LabMeta[], progress: Progress, lang: Lang): string {
  if (labs.length === 0) return 'No labs yet: labs/NN-topic/lab.json files appear here as labs are added.';
  const done = labs.filter((lab) => statusOf(progress.labs[lab.id]) === LabStatus.DONE).length;
  const pct = Math.round((done / labs.length) * 100);
  const width = Math.max(...labs.map((lab) => columns(lab.title[lang]))) + 3;
  const out = [style.bold(lang === 'ko' ? '실시간 백엔드 워크북' : 'Realtime backend workbook'), ''];
  // Grouped by part, parts in the order they first appear (as in the docs sidebar).
  const parts = [...new Set(labs.map((lab) => lab.part))];
  for (const part of parts) {
    out.push(style.bold(PART_TITLE[part][lang]));
    for (const lab of labs.filter((l) => l.part === part)) {
      out.push(`  ${lab.id.slice(0, 2)}  ${padEnd(lab.title[lang], width)}${statusText(progress, lab.id, lang)}${stepsText(lab, progress, lang)}`);
    }
  }
  const ko = lang === 'ko';
  out.push('', `${progressBar(done, labs.length)} ${ko ? `실습 ${labs.length}개 중 ${done}개 완료` : `${done} of ${labs.length} labs done`} (${pct}%)`);
  const next = nextLab(labs, progress);
  const lesson = (id: string) => (ko ? `docs/ko/labs/${id}.md` : `docs/labs/${id}.md`);
  out.push(
    next
      ? ko
        ? `다음: ${style.cyan(`npm run lab -- ${next.id.slice(0, 2)}`)}   강의: ${lesson(next.id)}   전체 명령: npm run lab -- --help`
        : `Next: ${style.cyan(`npm run lab -- ${next.id.slice(0, 2)}`)}   lesson: ${lesson(next.id)}   all commands: npm run lab -- --help`
      : style.green(ko ? '모든 실습을 마쳤습니다. `npm start`로 전체 시스템을 실행해 보세요.' : 'Every lab is done. `npm start` runs the whole system.'),
  );
  return out.join('\n');
}
