// Uploads: a request body streamed to disk under a name the server picks, probed with lab 09's
// probe, and kept only if it is a usable video. Nothing the client sends becomes part of a path.
//
//   PUT body ──(counted, ≤ maxBytes)──▶ <dir>/<uuid>.part ──probe──▶ <dir>/<uuid>.mp4
//                                             └── too large / bad media / aborted: deleted
import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { InvalidMediaError, probe, type MediaInfo } from '../09-video-progress/index.ts';
import { InvalidMediaUploadError, PayloadTooLargeError, UnsupportedMediaTypeError } from './errors.ts';

export interface StoredUpload {
  /** Absolute path of the kept file. */
  path: string;
  media: MediaInfo;
}

/** The reason a client reads when ffprobe could not read the upload at all (its words go to the log). */
const UNREADABLE = 'it is not a video file ffprobe can read (another kind of file, or a damaged one)';

/** The body types an upload may declare: a video type, or the generic binary one. */
const ACCEPTED = /^(video\/[\w.+-]+|application\/octet-stream)$/;

// #region receive
/**
 * Streams the request body into `dir` (which must exist) and probes it. Throws
 * UnsupportedMediaTypeError (415) before reading a body that is not declared as video,
 * PayloadTooLargeError (413) when the body is, or turns out to be, larger than `maxBytes`,
 * and InvalidMediaUploadError (422 invalid_media) when it is not a usable video. In every failure
 * no file is left behind.
 */
export async function receiveUpload(req: IncomingMessage, dir: string, maxBytes: number): Promise<StoredUpload> {
  const type = req.headers['content-type']?.split(';')[0]?.trim().toLowerCase() ?? '';
  if (!ACCEPTED.test(type)) throw new UnsupportedMediaTypeError('video/* or application/octet-stream');
  if (Number(req.headers['content-length']) > maxBytes) throw new PayloadTooLargeError(maxBytes); // before reading a byte
  const id = randomUUID();
  const part = path.join(dir, `${id}.part`);
  try {
    let received = 0;
    const limit = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        received += chunk.length;
        done(received > maxBytes ? new PayloadTooLargeError(maxBytes) : null, chunk); // a chunked body has no Content-Length
      },
    });
    await pipeline(req, limit, createWriteStream(part, { flags: 'wx' }));
    const media = await probe(part);
    const final = path.join(dir, `${id}${extensionFor(media)}`);
    await rename(part, final);
    return { path: final, media };
  } catch (error) {
    await rm(part, { force: true });
    // Lab 09's own reasons read well ("it has no video stream"); one with a cause is ffprobe's raw
    // stderr ("Invalid argument", or worse a path): the client gets words, the log gets the detail.
    if (error instanceof InvalidMediaError) throw new InvalidMediaUploadError(error.cause ? UNREADABLE : error.reason, { cause: error });
    throw error;
  }
}
// #endregion receive

/** An extension from what ffprobe found (never from the client's file name). */
function extensionFor(media: MediaInfo): string {
  const formats = media.formatName.split(',');
  if (formats.includes('mp4') || formats.includes('mov')) return '.mp4';
  if (formats.includes('webm') && media.videoCodec.startsWith('vp')) return '.webm';
  if (formats.includes('matroska')) return '.mkv';
  return '.video';
}

/**
 * A title for the video from what the client called its file (the X-File-Name header): text only,
 * never a path. Percent-encoded names are decoded; a raw UTF-8 name, which Node reads as latin1
 * (one char per byte), is read again as UTF-8 when its bytes are valid UTF-8. Control characters
 * (\p{Cc}) and format characters (\p{Cf}: U+202E and the other bidi overrides, zero-width ones) go.
 */
export function titleFrom(raw: string | undefined): string {
  let title = fromLatin1Bytes(raw ?? '');
  try {
    title = decodeURIComponent(title);
  } catch {
    // not percent-encoded: the name as it came
  }
  title = path.basename(title.replaceAll('\\', '/')).replace(/\.[^.]{1,5}$/, '').replace(/[\p{Cc}\p{Cf}]/gu, '').trim();
  return title.slice(0, 200) || 'Untitled video';
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
/** A header value Node decoded as latin1, as the UTF-8 text its bytes were; unchanged when they are not UTF-8. */
function fromLatin1Bytes(value: string): string {
  if (!/[\x80-\xff]/.test(value) || /[\u0100-\u{10ffff}]/u.test(value)) return value;
  try {
    return utf8.decode(Buffer.from(value, 'latin1'));
  } catch {
    return value;
  }
}
