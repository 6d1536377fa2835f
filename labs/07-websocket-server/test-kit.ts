// Lab 07's test helpers beyond the shared WebSocket test client (tools/testing/ws-client.ts):
// users with sessions, tickets, a capturing logger. Labs 08, 10 and the app's tests use them too. Not a learner file.
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { withDeadline } from '../../tools/testing/wait.ts';
import type { PrismaClient } from '../../prisma/client.ts';
import { say } from '../../tools/testing/say.ts';

export interface TestSession {
  userId: number;
  token: string;
}

/** A user and a session for it. `ttlMs` may be negative for an expired session. */
export async function createSession(prisma: PrismaClient, options: { ttlMs?: number; name?: string } = {}): Promise<TestSession> {
  const suffix = randomBytes(4).toString('hex');
  const user = await prisma.user.create({
    data: { email: `ws-${suffix}@example.test`, name: options.name ?? `user-${suffix}`, passwordHash: 'x' },
  });
  const token = randomBytes(24).toString('base64url');
  await prisma.session.create({ data: { token, userId: user.id, expiresAt: new Date(Date.now() + (options.ttlMs ?? 3_600_000)) } });
  return { userId: user.id, token };
}

/** POST /ws-ticket with a Bearer token. */
export async function requestTicket(httpUrl: string, token: string | null, origin?: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const headers: Record<string, string> = {};
  if (token !== null) headers.authorization = `Bearer ${token}`;
  if (origin) headers.origin = origin;
  const res = await fetch(`${httpUrl}/ws-ticket`, { method: 'POST', headers, signal: AbortSignal.timeout(5000) });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

/** A logger that keeps every line, to check what was (and was not) logged. */
export function captureLogger() {
  const lines: Array<{ level: string; event: string; fields: Record<string, unknown> }> = [];
  return {
    lines,
    text: () => JSON.stringify(lines),
    logger: {
      info: (event: string, fields: Record<string, unknown> = {}) => void lines.push({ level: 'info', event, fields }),
      warn: (event: string, fields: Record<string, unknown> = {}) => void lines.push({ level: 'warn', event, fields }),
    },
  };
}

/**
 * Writes `bytes` on a fresh TCP connection to 127.0.0.1:`port` and returns the status code of the
 * answer, or null if the server closed without one. For requests a WebSocket client refuses to send.
 */
export async function rawStatus(port: number, bytes: string): Promise<number | null> {
  const socket = net.connect(port, '127.0.0.1');
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  socket.on('error', () => {}); // a reset shows up as a close without an answer
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.write(bytes);
  await withDeadline(closed, 5000, say({ en: `the server on port ${port} neither answered nor closed the connection`, ko: `포트 ${port}의 서버가 답하지도, 연결을 닫지도 않았습니다` }));
  const head = /^HTTP\/1\.1 (\d{3})/.exec(Buffer.concat(chunks).toString('latin1'));
  return head ? Number(head[1]) : null;
}
