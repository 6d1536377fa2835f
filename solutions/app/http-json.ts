// The JSON edge of the API: read a bounded body, write a reply, turn an error into a status and a
// code. Everything else in the API works with plain values.
import { createReadStream } from 'node:fs';
import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { toJson } from '../04-prisma-queries/index.ts';
import { HandshakeError } from '../07-websocket-server/index.ts';
import { isDatabaseUnavailable } from '../../prisma/errors.ts';
import { ApiError, ApiErrorCode, BadJsonError, DatabaseUnavailableError, TooManyLoginsError, InternalError, MethodNotAllowedError, PayloadTooLargeError, ShuttingDownError, UnsupportedMediaTypeError, RunnerClosedError } from './errors.ts';

export type Reply =
  | { kind: 'json'; status: number; body: unknown }
  | { kind: 'raw'; status: number; contentType: string; body: string }
  /** A file streamed from disk (a job's output); `path` is server-chosen, never from the request. */
  | { kind: 'file'; status: number; contentType: string; path: string; sizeBytes: number; downloadName: string };

export const json = (status: number, body: unknown): Reply => ({ kind: 'json', status, body });
export const raw = (contentType: string, body: string): Reply => ({ kind: 'raw', status: 200, contentType, body });

// #region read-body
/**
 * The parsed JSON body. Stops reading at `limitBytes` (a client cannot make the server buffer
 * more than that), answers 415 to anything but JSON and 400 to JSON that does not parse.
 */
export async function readJson(req: IncomingMessage, limitBytes: number): Promise<unknown> {
  const type = req.headers['content-type']?.split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/json') throw new UnsupportedMediaTypeError();
  const declared = Number(req.headers['content-length']);
  if (declared > limitBytes) throw new PayloadTooLargeError(limitBytes);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limitBytes) throw new PayloadTooLargeError(limitBytes);
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new BadJsonError();
  }
}
// #endregion read-body

// #region to-api-error
/**
 * Known failures keep their status and code; a database that is away or silent is 503
 * database_unavailable (it recovers by itself); anything else is our bug: 500, logged by name only.
 */
export function toApiError(error: unknown): { status: number; code: string; message: string; internal: boolean } {
  if (error instanceof ApiError || error instanceof HandshakeError) {
    return { status: error.status, code: error.code, message: error.message, internal: false };
  }
  if (isDatabaseUnavailable(error)) {
    const down = new DatabaseUnavailableError({ cause: error });
    return { status: down.status, code: down.code, message: down.message, internal: false };
  }
  if (error instanceof RunnerClosedError) {
    const closing = new ShuttingDownError();
    return { status: closing.status, code: closing.code, message: closing.message, internal: false };
  }
  const bug = new InternalError({ cause: error });
  return { status: bug.status, code: bug.code, message: bug.message, internal: true };
}
// #endregion to-api-error

/** Security headers every answer carries. The page loads only its own script and talks only to its own origin. */
const COMMON_HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  'Content-Security-Policy': "default-src 'self'; connect-src 'self'; style-src 'self' 'unsafe-inline'; media-src 'self' blob:; img-src 'self' blob:; frame-ancestors 'none'",
  'Cache-Control': 'no-store',
} as const;

export function writeReply(res: ServerResponse, reply: Reply): void {
  if (reply.kind === 'file') {
    res.writeHead(reply.status, {
      ...COMMON_HEADERS,
      'Content-Type': reply.contentType,
      'Content-Length': reply.sizeBytes,
      'Content-Disposition': `inline; filename="${reply.downloadName.replace(/[^\w.-]/g, '_')}"`,
    });
    // A read error mid-way (the file deleted under us) cuts the response: the client sees it failed.
    createReadStream(reply.path).on('error', () => res.destroy()).pipe(res);
    return;
  }
  // toJson writes BigInt columns (videos.size_bytes) as strings: JSON.stringify throws on them.
  const body = reply.kind === 'json' ? toJson(reply.body) : reply.body;
  const contentType = reply.kind === 'json' ? 'application/json; charset=utf-8' : reply.contentType;
  res.writeHead(reply.status, { ...COMMON_HEADERS, 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

export function writeError(res: ServerResponse, error: unknown): void {
  const { status, code, message } = toApiError(error);
  if (res.writableEnded) return; // already answered (503 shutting_down while its body was still coming)
  if (res.headersSent) {
    res.destroy(); // too late for a status: cut the response so the client sees it failed
    return;
  }
  if (error instanceof MethodNotAllowedError) res.setHeader('Allow', error.allow.join(', '));
  if (status === 401) res.setHeader('WWW-Authenticate', 'Bearer');
  if (error instanceof TooManyLoginsError) res.setHeader('Retry-After', String(error.retryAfterSeconds));
  if (status === 503) res.setHeader('Retry-After', '5');
  // After 413 the rest of the body is still on the wire: close instead of reading it.
  if (status === 413) res.setHeader('Connection', 'close');
  writeReply(res, json(status, { error: code, message }));
}

// #region client-error
/**
 * What Node's HTTP parser refused, as Node's own default answers it (431 for headers past
 * `maxHeaderSize`, 408 for a request that came too slowly, 400 for anything malformed), in the
 * API's JSON shape. A server that only destroys the socket leaves the client with a bare reset
 * and no reason. Use it as the server's 'clientError' listener.
 */
export function answerClientError(error: Error & { code?: string }, socket: Duplex): void {
  const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
  // A reset peer, or a response already under way: there is no one to answer, or no clean way to.
  if (error.code === 'ECONNRESET' || !socket.writable || (socket as { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent) {
    socket.destroy();
    return;
  }
  const code = status === 431 ? ApiErrorCode.HEADERS_TOO_LARGE : status === 408 ? ApiErrorCode.REQUEST_TIMEOUT : ApiErrorCode.BAD_REQUEST;
  const body = JSON.stringify({ error: code, message: STATUS_CODES[status] });
  const head = [`HTTP/1.1 ${status} ${STATUS_CODES[status]}`, 'Connection: close', 'Content-Type: application/json; charset=utf-8', `Content-Length: ${Buffer.byteLength(body)}`];
  socket.end(`${head.join('\r\n')}\r\n\r\n${body}`);
}
// #endregion client-error
