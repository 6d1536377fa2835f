// The keyset cursor: where the previous page ended, as an opaque string a client passes back.
//
// Why the timestamp is a string: PostgreSQL keeps microseconds (12:00:00.123456), a JavaScript Date
// only milliseconds (12:00:00.123). A cursor built from a Date points up to 999 µs *before* the row
// it came from, so the next page starts over (or skips) rows from that same millisecond. Keep the
// value exactly as PostgreSQL prints it (SELECT created_at::text) and hand it back as $1::timestamptz.
import { z } from 'zod';
import { InvalidCursorError } from './errors.ts';

// #region cursor
export interface CursorPosition {
  /** The last row's created_at as PostgreSQL prints it, e.g. `2025-01-01 12:00:00.000123+00`. */
  createdAt: string;
  /** The last row's id: breaks ties between rows with the same created_at. */
  id: number;
}

// timestamptz text output with DateStyle ISO: date, time, optional fraction, UTC offset.
const PG_TIMESTAMPTZ = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,6})?[+-]\d{2}(:\d{2}){0,2}$/;

const CursorPositionSchema = z.object({
  createdAt: z.string().regex(PG_TIMESTAMPTZ),
  id: z.number().int().positive(),
});

export function encodeCursor(position: CursorPosition): string {
  return Buffer.from(JSON.stringify({ createdAt: position.createdAt, id: position.id })).toString('base64url');
}

/** Throws InvalidCursorError for anything encodeCursor did not make. */
export function decodeCursor(cursor: string): CursorPosition {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch (cause) {
    throw new InvalidCursorError(cursor, { cause });
  }
  const parsed = CursorPositionSchema.safeParse(json);
  if (!parsed.success) throw new InvalidCursorError(cursor, { cause: parsed.error });
  return parsed.data;
}
// #endregion cursor
