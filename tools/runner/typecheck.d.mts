/** One type error; `file` relative to the root, `line` and `column` 1-based. */
export interface TypeErrorNote {
  file: string;
  line: number;
  column: number;
  message: string;
}
export function formatTypeError(e: TypeErrorNote): string;
/** Typechecks `files` (relative to `root`) with the root's tsconfig.json; their errors only. */
export function typecheckFiles(root: string, files: string[]): TypeErrorNote[];
/** The same in a worker thread; [] when the check itself fails. */
export function typecheckInWorker(root: string, files: string[]): Promise<TypeErrorNote[]>;
