/** `size:mtimeMs` of a file, or 'missing' when it cannot be read. */
export function stamp(file: string): string;
/** Removes the entries of `dir` that `match` accepts and nobody touched for `maxAgeMs` (ms) before `now`; never throws. */
export function removeStale(dir: string, match: (name: string) => boolean, maxAgeMs: number, now?: number): void;
