/** One type error; `file` relative to the root, `line` and `column` 1-based, `code` TypeScript's (2322 …). */
export interface TypeErrorNote {
  file: string;
  line: number;
  column: number;
  message: string;
  code?: number;
}
export function formatTypeError(e: TypeErrorNote): string;
/** Typechecks `files` (relative to `root`) with the root's tsconfig.json; their errors only. */
export function typecheckFiles(root: string, files: string[]): TypeErrorNote[];
/** The cached answer (.workbook/typecheck/) while no file the last check read has changed; else null. */
export function cachedTypecheck(root: string, files: string[]): TypeErrorNote[] | null;
/** typecheckFiles, then keeps the answer for cachedTypecheck. */
export function typecheckAndCache(root: string, files: string[]): TypeErrorNote[];
/** From the cache, else in a child process at a lower priority; [] when the check itself fails. */
export function typecheckInBackground(root: string, files: string[], options?: { niceness?: number }): Promise<TypeErrorNote[]>;
/** One child process for a --watch session that keeps parsed files between checks; checks run in order. */
export function typecheckSession(): { check(root: string, files: string[]): Promise<TypeErrorNote[]>; close(): void };
