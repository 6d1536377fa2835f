// Lab 02's public surface, for later labs to build on.
export { decodeCursor, encodeCursor, type CursorPosition } from './cursor.ts';
export { InvalidCursorError } from './errors.ts';
export { findEventsContaining, recordEvent, type Event, type Json, type JsonObject } from './events.ts';
export {
  listPostsByKeyset,
  listPostsByOffset,
  type KeysetPage,
  type KeysetPageOptions,
  type OffsetPageOptions,
  type PostSummary,
} from './pagination.ts';
export { applySchema, SCHEMA } from './schema.ts';
export { searchPosts, type SearchHit } from './search.ts';
