// Test-only launcher: runs one of the app's entry points (`main.ts`, `worker-main.ts`, named in
// argv[2]) as a child of a test, and exits when the test's end of stdin closes. A vitest worker
// stopped mid-test (a timeout, the runner's watchdog) never kills what it started; this way the
// app processes follow it instead of running on.
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
const entry = process.argv[2];
if (entry !== 'main.ts' && entry !== 'worker-main.ts') {
  console.error(`child-entry: expected main.ts or worker-main.ts, got ${entry}`);
  process.exit(2);
}
await import(new URL(`../${entry}`, import.meta.url).href);
