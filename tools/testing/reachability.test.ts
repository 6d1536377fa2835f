// The services check of global setup: the small RESP client against the real Redis, and against a
// scripted server for what the local one cannot show (a password, a reply split across packets).
import { once } from 'node:events';
import { createServer, type Socket } from 'node:net';
import { describe, expect, inject, onTestFinished, test } from 'vitest';
import { ServiceUnreachableError } from './errors.ts';
import { parseReply, pingPostgres, pingRedis, redisCommand } from './reachability.ts';
import { freePort } from './redis-server.ts';

const { redisUrl, databaseUrl } = inject('workbook');

/** A server that records what it receives and answers each write with the next of `replies`, in `chunks` pieces. */
async function scriptedRedis(replies: string[], chunks = 1): Promise<{ url: string; received: () => string }> {
  let received = '';
  const sockets: Socket[] = [];
  const server = createServer((socket) => {
    sockets.push(socket);
    socket.on('data', (data) => {
      received += data.toString();
      const reply = replies.join('');
      const step = Math.ceil(reply.length / chunks);
      for (let i = 0; i < reply.length; i += step) socket.write(reply.slice(i, i + step));
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  onTestFinished(async () => {
    for (const s of sockets) s.destroy();
    server.close();
  });
  const { port } = server.address() as { port: number };
  return { url: `redis://127.0.0.1:${port}`, received: () => received };
}

describe('pingRedis', () => {
  test('answers with the version of the real server', async () => {
    expect(await pingRedis(redisUrl)).toMatch(/^\d+\.\d+/);
  });

  test('a port where nothing listens is ServiceUnreachableError', async () => {
    const error = await pingRedis(`redis://127.0.0.1:${await freePort()}`).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ServiceUnreachableError);
    expect((error as ServiceUnreachableError).code).toBe('WORKBOOK_SERVICE_UNREACHABLE');
  });

  test('an error reply rejects with its text (a password the server does not have)', async () => {
    const url = new URL(redisUrl);
    url.password = 'not-the-password';

    await expect(redisCommand(url.toString(), ['PING'])).rejects.toThrow(/^(ERR|WRONGPASS)/);
  });

  test('sends AUTH user password first, and reads a reply that arrives in pieces', async () => {
    const info = '# Server\r\nredis_version:7.4.2\r\n';
    const server = await scriptedRedis(['+OK\r\n', `$${info.length}\r\n${info}\r\n`], 5);

    const version = await pingRedis(server.url.replace('redis://', 'redis://ada:s%40cret@'));

    expect(version).toBe('7.4.2');
    expect(server.received()).toBe('*3\r\n$4\r\nAUTH\r\n$3\r\nada\r\n$6\r\ns@cret\r\n*2\r\n$4\r\nINFO\r\n$6\r\nserver\r\n');
  });

  test('a server that never answers is given up on at the deadline', async () => {
    const server = await scriptedRedis([]);

    await expect(redisCommand(server.url, ['PING'], 100)).rejects.toThrow('no reply within 100 ms');
  });
});

describe('parseReply', () => {
  test('reads simple strings, errors, integers and bulk strings, and waits for an incomplete one', () => {
    expect(parseReply(Buffer.from('+PONG\r\nrest'))).toEqual({ value: 'PONG', length: 7 });
    expect(parseReply(Buffer.from('-NOAUTH Authentication required.\r\n'))).toEqual({ value: '', error: 'NOAUTH Authentication required.', length: 34 });
    expect(parseReply(Buffer.from(':42\r\n'))).toEqual({ value: '42', length: 5 });
    expect(parseReply(Buffer.from('$5\r\nhello\r\n'))).toEqual({ value: 'hello', length: 11 });
    expect(parseReply(Buffer.from('$-1\r\n'))).toEqual({ value: '', length: 5 });
    expect(parseReply(Buffer.from('$5\r\nhel'))).toBeNull();
    expect(parseReply(Buffer.from('+PON'))).toBeNull();
  });
});

describe('pingPostgres', () => {
  test('answers with the version of the real server', async () => {
    expect(await pingPostgres(databaseUrl)).toMatch(/^\d+/);
  });
});
