// One class per failure the callers of this lab can act on, each with a machine-readable `code`.

/** A pagination cursor that listPostsByKeyset did not produce (edited, truncated, or from elsewhere). */
export class InvalidCursorError extends Error {
  readonly code = 'INVALID_CURSOR';
  constructor(
    readonly cursor: string,
    options?: { cause?: unknown },
  ) {
    super('Invalid pagination cursor: pass back the nextCursor of the previous page unchanged', options);
    this.name = 'InvalidCursorError';
  }
}
