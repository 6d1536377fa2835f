// The runner's own words, in English and Korean: one catalogue, the same keys in both languages
// (the type makes a missing Korean key a compile error; messages.test.ts checks it at run time).
// `--lang ko` or a Korean LANG picks Korean (tools/cli/args.ts pickLang).
import type { Lang } from './args.ts';

const en = {
  // run-lab.ts
  testing: (lab: string, title: string, whose: string) => `Lab ${lab} · ${title}: testing ${whose}`,
  yourFiles: (dir: string) => `your files (${dir}/)`,
  theSolution: (dir: string) => `the reference solution (${dir}/)`,
  lessonAt: (page: string) => `lesson: ${page} (or npm run docs:dev)`,
  onlyStep: (n: number, title: string) => `only step ${n} (${title})`,
  onlyMatching: (pattern: string) => `only tests matching /${pattern}/`,
  couldNotTest: (lab: string) => `Lab ${lab} could not be tested: see the problem above.`,
  noTests: (lab: string) => `No tests found for lab ${lab}.`,
  solutionPasses: (total: number) => `The reference solution passes all ${total} tests.`,
  allPass: (total: number, lab: string) => `All ${total} tests pass: lab ${lab} is done!`,
  stepDone: (n: number, passed: number, total: number) => `Step ${n} done (${passed} of ${total} passing)`,
  nextStep: (command: string, title: string) => `Next: ${command} (${title})`,
  lastStepDone: (command: string) => `That was the last step: now run the whole lab, ${command}`,
  matchingPass: (passed: number, total: number, pattern: string) => `${passed} of ${total} tests matching /${pattern}/ passing (only those ran)`,
  wholeLab: (command: string) => `The whole lab: ${command}`,
  seeProgress: 'See your progress: npm run lab',
  failing: (failed: number, total: number, passed: number) => `${failed} of ${total} tests failing (${passed} passing)`,
  next: (n: number, title: string, file: string, lesson: string) => `Next: step ${n} (${title}): open ${file}, read ${lesson}`,
  nextRun: (command: string) => `fix failure 1, then run ${command} again (add --watch to re-run on save).`,
  nextSave: 'fix failure 1 and save: the tests run again by themselves.',
  stuck: (hint: string, diff: string) => `Stuck? ${hint} shows a hint for this step; ${diff} compares with the solution.`,
  revealOffer: (diff: string) => `Want to compare with the reference solution? ${diff} (your code is -, the reference +).`,
  watching: (poll: boolean) => `Watching for changes${poll ? ' (polling every 300 ms)' : ''}: save a file to re-run, Ctrl-C to stop.`,
  rerun: (time: string, changed: string | undefined, lab: string) => `— ${time} ${changed ?? 'a file'} changed: running lab ${lab} again —`,
  watchFailed: 'Watching could not start: fix the problem above, then run the command again.',
  fileDone: (file: string, passed: number, failed: number) => `${file}: ${passed} passed${failed ? `, ${failed} failed` : ''}`,
  // format-run.ts
  stepHeading: (n: number, title: string, files: string) => `Step ${n} · ${title} (${files})`,
  otherTests: 'Tests in no step of lab.json',
  inHook: '(a beforeAll hook of this test threw, so the test itself did not run)',
  notImplemented: (what: string) => `Not implemented yet: ${what}`,
  expected: 'expected:',
  actual: 'actual:  ',
  open: 'open:',
  test: 'test:',
  moreFailing: (n: number) => `…and ${n} more failing (fix the ones above first; several often share one cause):`,
  andMore: (n: number) => `…and ${n} more`,
  problemSetup: 'The test harness could not start',
  problemLoad: (file: string | undefined) => `${file ?? 'A test file'} could not be loaded`,
  problemHook: (file: string | undefined) => `The harness failed while preparing ${file ?? 'a test file'}`,
  problemUnhandled: (file: string | undefined) => `An error was thrown outside any test${file ? ` (${file})` : ''}`,
  adviceSetup: 'This is a set-up problem, not a verdict on your code. `npm run lab -- doctor` checks Node, the services and the tools.',
  adviceLoad:
    'No test could run, so this is not a failed test: fix the error above (a syntax error, a missing export or a bad import in the file it names) and run again.',
  adviceUnhandled: 'Often a promise nobody awaited, or an `error` event with no listener, in the code under test.',
  // diff.ts
  diffHeading: (lab: string) => `Lab ${lab}: your files (-) against the reference solution (+)`,
  missingFile: (file: string) => `! ${file} does not exist`,
  sameFile: (mine: string, theirs: string) => `✓ ${mine} is the same as ${theirs}`,
};

export type Messages = typeof en;

const ko: Messages = {
  testing: (lab, title, whose) => `실습 ${lab} · ${title}: ${whose} 테스트 중`,
  yourFiles: (dir) => `내 파일(${dir}/)`,
  theSolution: (dir) => `모범 답안(${dir}/)`,
  lessonAt: (page) => `강의: ${page} (또는 npm run docs:dev)`,
  onlyStep: (n, title) => `${n}단계(${title})만`,
  onlyMatching: (pattern) => `/${pattern}/에 맞는 테스트만`,
  couldNotTest: (lab) => `실습 ${lab}을(를) 테스트하지 못했습니다. 위의 문제를 보세요.`,
  noTests: (lab) => `실습 ${lab}에는 테스트가 없습니다.`,
  solutionPasses: (total) => `모범 답안이 테스트 ${total}개를 모두 통과합니다.`,
  allPass: (total, lab) => `테스트 ${total}개 모두 통과: 실습 ${lab} 완료!`,
  stepDone: (n, passed, total) => `${n}단계 완료 (테스트 ${total}개 중 ${passed}개 통과)`,
  nextStep: (command, title) => `다음: ${command} (${title})`,
  lastStepDone: (command) => `마지막 단계였습니다. 이제 실습 전체를 실행하세요: ${command}`,
  matchingPass: (passed, total, pattern) => `/${pattern}/에 맞는 테스트 ${total}개 중 ${passed}개 통과 (그 테스트만 실행했습니다)`,
  wholeLab: (command) => `실습 전체: ${command}`,
  seeProgress: '진행 상황 보기: npm run lab',
  failing: (failed, total, passed) => `테스트 ${total}개 중 ${failed}개 실패 (${passed}개 통과)`,
  next: (n, title, file, lesson) => `다음: ${n}단계(${title}) — ${file} 파일을 열고 ${lesson} 부분을 읽으세요`,
  nextRun: (command) => `실패 1을 고친 뒤 ${command}을(를) 다시 실행하세요 (--watch를 붙이면 저장할 때마다 다시 실행합니다).`,
  nextSave: '실패 1을 고치고 저장하세요. 테스트가 저절로 다시 실행됩니다.',
  stuck: (hint, diff) => `막혔나요? ${hint}은(는) 이 단계의 힌트를 보여 주고, ${diff}은(는) 모범 답안과 비교합니다.`,
  revealOffer: (diff) => `모범 답안과 비교해 볼까요? ${diff} (내 코드는 -, 모범 답안은 +).`,
  watching: (poll) => `변경을 지켜보는 중${poll ? ' (300ms마다 확인)' : ''}: 파일을 저장하면 다시 실행합니다. 멈추려면 Ctrl-C.`,
  rerun: (time, changed, lab) => `— ${time} ${changed ?? '파일'} 변경: 실습 ${lab}을(를) 다시 실행합니다 —`,
  watchFailed: '지켜보기를 시작하지 못했습니다. 위의 문제를 고친 뒤 명령을 다시 실행하세요.',
  fileDone: (file, passed, failed) => `${file}: ${passed}개 통과${failed ? `, ${failed}개 실패` : ''}`,
  stepHeading: (n, title, files) => `${n}단계 · ${title} (${files})`,
  otherTests: 'lab.json의 어느 단계에도 없는 테스트',
  inHook: '(이 테스트의 beforeAll 훅이 예외를 던져 테스트 자체는 실행되지 않았습니다)',
  notImplemented: (what: string) => `아직 구현하지 않은 스타터 코드입니다: ${what}`,
  expected: '기대값:',
  actual: '실제값:',
  open: '열 파일:',
  test: '테스트:',
  moreFailing: (n) => `…그 밖에 ${n}개 실패 (위의 것부터 고치세요. 원인이 같은 경우가 많습니다):`,
  andMore: (n) => `…그 밖에 ${n}개`,
  problemSetup: '테스트 하네스를 시작하지 못했습니다',
  problemLoad: (file) => `${file ?? '테스트 파일'}을(를) 불러오지 못했습니다`,
  problemHook: (file) => `${file ?? '테스트 파일'}을(를) 준비하다가 하네스가 실패했습니다`,
  problemUnhandled: (file) => `테스트 밖에서 오류가 던져졌습니다${file ? ` (${file})` : ''}`,
  adviceSetup: '내 코드에 대한 판정이 아니라 환경 문제입니다. `npm run lab -- doctor`로 Node, 서비스, 도구를 확인하세요.',
  adviceLoad:
    '테스트가 하나도 실행되지 못했으므로 실패한 테스트가 아닙니다. 위의 오류(문법 오류, 빠진 export, 해당 파일의 잘못된 import)를 고치고 다시 실행하세요.',
  adviceUnhandled: '테스트 대상 코드에서 아무도 await하지 않은 프로미스나, 리스너 없는 `error` 이벤트인 경우가 많습니다.',
  diffHeading: (lab) => `실습 ${lab}: 내 파일(-)과 모범 답안(+) 비교`,
  missingFile: (file) => `! ${file} 파일이 없습니다`,
  sameFile: (mine, theirs) => `✓ ${mine}은(는) ${theirs}와(과) 같습니다`,
};

export const MESSAGES: Record<Lang, Messages> = { en, ko };

export function messages(lang: Lang): Messages {
  return MESSAGES[lang];
}
