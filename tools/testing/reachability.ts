// Do the services answer? One quick round trip each, with a deadline, so a server that is down
// reads as "PostgreSQL at ... did not answer" before any test starts, not as a hung or failed test.
import net from 'node:net';
import tls from 'node:tls';
import pg from 'pg';
import { ServiceUnreachableError } from './errors.ts';
import { redact, type Services } from './services.ts';

/** Connects, asks for the server version, disconnects. Rejects with ServiceUnreachableError. */
export async function pingPostgres(url: string, timeoutMs = 3000): Promise<string> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: timeoutMs });
  client.on('error', () => {}); // surfaced through connect/query below
  try {
    await client.connect();
    const { rows } = await client.query<{ server_version: string }>('SHOW server_version');
    return rows[0]?.server_version ?? 'unknown';
  } catch (error) {
    throw new ServiceUnreachableError('PostgreSQL', redact(url), { cause: error });
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * One command over RESP, the Redis protocol: enough for a ping. node-redis takes 150-300 ms to
 * import, which global setup would spend before every run only to ask for a version; the tests
 * load it themselves. Sends AUTH first when the URL has a password (`redis://[user]:pass@host`),
 * speaks TLS for `rediss://`. Resolves with the command's reply; rejects on an error reply, a
 * closed connection or the deadline.
 */
export function redisCommand(url: string, command: string[], timeoutMs = 3000): Promise<string> {
  const u = new URL(url);
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') return Promise.reject(new Error(`not a redis:// URL: ${redact(url)}`));
  const host = u.hostname.replace(/^\[(.*)\]$/, '$1') || '127.0.0.1';
  const port = Number(u.port || 6379);
  const password = decodeURIComponent(u.password);
  const commands = [...(password ? [['AUTH', ...(u.username ? [decodeURIComponent(u.username)] : []), password]] : []), command];
  const encode = (args: string[]) => `*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`;
  return new Promise((resolve, reject) => {
    const socket: net.Socket = u.protocol === 'rediss:' ? tls.connect({ host, port, servername: host }) : net.connect({ host, port });
    const timer = setTimeout(() => finish(new Error(`no reply within ${timeoutMs} ms`)), timeoutMs);
    let buffer = Buffer.alloc(0);
    let replies = 0;
    function finish(error: Error | null, reply?: string) {
      clearTimeout(timer);
      socket.destroy();
      if (error) reject(error);
      else resolve(reply ?? '');
    }
    socket.once(u.protocol === 'rediss:' ? 'secureConnect' : 'connect', () => socket.write(commands.map(encode).join('')));
    socket.on('error', (error) => finish(error));
    socket.on('close', () => finish(new Error('the connection closed before the reply')));
    socket.on('data', (chunk) => {
      buffer = Buffer.concat([buffer, chunk]);
      for (;;) {
        const reply = parseReply(buffer);
        if (!reply) return; // wait for the rest
        buffer = buffer.subarray(reply.length);
        if (reply.error !== undefined) return finish(new Error(reply.error));
        if (++replies === commands.length) return finish(null, reply.value);
      }
    });
  });
}

/** One RESP2 reply at the start of `buffer` (simple string, error, integer, bulk), or null when incomplete. */
export function parseReply(buffer: Buffer): { value: string; error?: string; length: number } | null {
  const end = buffer.indexOf('\r\n');
  if (end < 0) return null;
  const line = buffer.toString('utf8', 1, end);
  switch (String.fromCharCode(buffer[0]!)) {
    case '+':
    case ':':
      return { value: line, length: end + 2 };
    case '-':
      return { value: '', error: line, length: end + 2 };
    case '$': {
      const size = Number(line);
      if (size < 0) return { value: '', length: end + 2 };
      if (buffer.length < end + 2 + size + 2) return null;
      return { value: buffer.toString('utf8', end + 2, end + 2 + size), length: end + 2 + size + 2 };
    }
    default:
      return { value: '', error: `unexpected reply from Redis: ${JSON.stringify(buffer.toString('utf8', 0, Math.min(buffer.length, 40)))}`, length: buffer.length };
  }
}

/** Connects, asks for the server version, disconnects. Rejects with ServiceUnreachableError. */
export async function pingRedis(url: string, timeoutMs = 3000): Promise<string> {
  try {
    const info = await redisCommand(url, ['INFO', 'server'], timeoutMs);
    return /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown';
  } catch (error) {
    throw new ServiceUnreachableError('Redis', redact(url), { cause: error });
  }
}

export async function assertServicesAnswer(services: Pick<Services, 'databaseUrl' | 'redisUrl'>): Promise<void> {
  await Promise.all([pingPostgres(services.databaseUrl), pingRedis(services.redisUrl)]);
}
