// `npm run lab -- --help`: every command, in one screen.
export const LAB_HELP = `Realtime backend workbook: lab runner

Usage: npm run lab -- [command] [options]

  npm run lab                      list the labs with your status and overall progress
  npm run lab -- NN                run lab NN's tests against your files (labs/NN-*)
  npm run lab -- NN --solution     run them against the reference solution (solutions/NN-*)
  npm run lab -- NN --watch        re-run whenever you save a file (Ctrl-C to stop)
  npm run lab -- NN --watch --poll
                                   the same, polling the files instead of waiting for file
                                   events: for WSL2 with the checkout on a Windows drive,
                                   network drives and some containers (on by itself when
                                   WSL_DISTRO_NAME or CHOKIDAR_USEPOLLING=1 is set)
  npm run lab -- NN --step N       run only step N's tests (steps are in lesson order; the
                                   run after a failure says which step you are on)
  npm run lab -- NN -t PATTERN     run only the tests whose name matches PATTERN (a regex)
  npm run lab -- hint NN           the next hint for the step of your first failing test (one
                                   more each time: a nudge, then the API to use, code last);
                                   --step N picks the step
  npm run lab -- diff NN           your files next to the reference solution (unified diff;
                                   lines starting with + are in the solution); offered once a
                                   lab passes
  npm run lab -- reset NN          put lab NN's files back to the starter (from git HEAD);
                                   your version is kept in .workbook/backups/
  npm run lab -- doctor            check Node, PostgreSQL and Redis (and where the tests
                                   would find them), the Prisma client, ffmpeg, Chromium, Docker

Options:
  --timings        after the verdict, where the seconds went (start-up, services, each file)
  --lang en|ko     language of the runner, titles and hints (default: Korean when LANG,
                   LC_ALL or LC_MESSAGES starts with "ko")
  -h, --help       this text

NN is the lab number (1, 01) or its full name (01-sql-basics).
Your progress is kept in .workbook/progress.json (delete it to start over).

The tests need PostgreSQL and Redis. They use DATABASE_URL and REDIS_URL when both are set,
else throwaway containers when Docker is running, else servers on 127.0.0.1:5432 and :6379.

Other commands: npm test (every lab, solutions and starters, plus the docs build),
npm run grade -- --help (grade a checkout), npm run docs:dev (the lessons in a browser).
`;

export const GRADE_HELP = `Realtime backend workbook: grader

Usage: npm run grade -- [options]

  --target starter|solution   starter (default): grade the learner's files in labs/;
                              solution: grade the reference files in solutions/
  --dir PATH                  the checkout to grade (default: this one)
  --out DIR                   where to write grade.json, junit.xml, summary.md and
                              classroom.json (default: grade-out/)
  --lab NN                    grade only this lab (repeat for more; default: every lab)
  --tests-from SRC            where the trusted tests, lab.json, starters and references come
                              from: a workbook folder, a git ref or commit of the graded
                              repository, a git URL (URL#tag), or a bundle .json
                              (default: this workbook's git HEAD)
  --tests-sha256 HEX          refuse to grade unless those files have this digest
                              (grade.json "testsDigest")
  --min-score S               0.6 or 60%: exit code 1 below it
  --pack-tests FILE           write the trusted files of this workbook to a bundle and print
                              its digest (nothing is graded)

Only the learner's files come from the graded checkout; a test file edited, added or deleted
there is reported in all outputs and never used. Files identical or nearly identical to the
reference and type errors in the learner's files are reported too (the score is not changed).
A lab's score is its points earned / its points (0..1); the overall score is the mean of the
labs' scores. A test stuck in an endless loop is stopped and fails; grading goes on.

Exit codes: 0 graded (and --min-score reached), 1 below --min-score, 2 could not grade,
130 interrupted (the grading workspace is removed). Inside GitHub Actions the step's output
"result" is set for GitHub Classroom's reporter: see docs/guide/instructors.md.
`;

export const TEST_ALL_HELP = `Realtime backend workbook: self-test

Usage: npm test [-- --skip-docs] [-- --skip-matrix]

  1. npm run docs:build (skipped with a notice while docs/.vitepress/config.ts does not exist);
     the browser test of the site in step 2 then serves this build
  2. the workbook's own tests (vitest project "tools")
  3. every lab against its reference solution: every test must pass
  4. every lab against its untouched starter: every test must FAIL (a test that passes on the
     starter checks nothing the learner does)
  5. the per-file starter matrix (npm run matrix): the solution with any one learner file taken
     from the starter must fail, quickly, without crashing

Exit code 0 only when all five hold.
`;
