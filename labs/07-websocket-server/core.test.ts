// The pure pieces of the server: token bucket, send policy, connection registry, handshake parsing.
import { describe, expect, test } from 'vitest';
import { decideSend, SendDecision } from './backpressure.ts';
import { isOriginAllowed, isWebSocketUpgrade, readCredential } from './handshake.ts';
import { TokenBucket } from './rate-limit.ts';
import { ConnectionRegistry } from './registry.ts';
import { say } from '../../tools/testing/say.ts';

describe('TokenBucket', () => {
  test('allows a burst of `capacity`, then refuses', () => {
    const bucket = new TokenBucket({ capacity: 3, refillPerSecond: 1 }, 0);

    const taken = [1, 2, 3, 4].map(() => bucket.take(0));

    expect(taken, say({ en: 'capacity 3: three messages pass, the fourth is refused (rate-limit.ts)', ko: '용량 3: 메시지 셋은 통과하고 넷째는 거절되어야 합니다(rate-limit.ts)' })).toEqual([true, true, true, false]);
  });

  test('refills at `refillPerSecond`, never above capacity', () => {
    const bucket = new TokenBucket({ capacity: 2, refillPerSecond: 4 }, 0);
    bucket.take(0);
    bucket.take(0);

    const after250ms = bucket.take(250); // 4/s: one token every 250 ms
    const again = bucket.take(250);
    const afterLongIdle = [bucket.take(60_000), bucket.take(60_000), bucket.take(60_000)];

    expect(after250ms, say({ en: 'one token should be back after 250 ms at 4 tokens/s', ko: '초당 토큰 4개면 250 ms 뒤에 토큰 하나가 돌아와야 합니다' })).toBe(true);
    expect(again, say({ en: 'and only one', ko: '하나만 돌아와야 합니다' })).toBe(false);
    expect(afterLongIdle, say({ en: 'a long idle period refills to capacity (2), not more', ko: '오래 쉬어도 용량(2)까지만 채워지고, 그 이상은 안 됩니다' })).toEqual([true, true, false]);
  });
});

describe('decideSend (backpressure policy)', () => {
  const limits = { softLimitBytes: 1000, hardLimitBytes: 4000 };

  test('sends while the buffer is below the soft limit', () => {
    expect(decideSend(0, 500, false, limits)).toBe(SendDecision.SEND);
    expect(decideSend(1000, 500, false, limits), say({ en: 'exactly at the soft limit is still fine', ko: '소프트 한도와 딱 같으면 아직 괜찮습니다' })).toBe(SendDecision.SEND);
  });

  test('drops non-essential messages above the soft limit, keeps essential ones', () => {
    expect(decideSend(1001, 500, false, limits), say({ en: 'a broadcast to a lagging client is dropped', ko: '뒤처진 클라이언트에게 가는 브로드캐스트는 버려야 합니다' })).toBe(SendDecision.DROP);
    expect(decideSend(1001, 500, true, limits), say({ en: 'an essential message still goes out', ko: '필수 메시지는 그래도 보내야 합니다' })).toBe(SendDecision.SEND);
  });

  test('disconnects when a message would pass the hard limit', () => {
    expect(decideSend(3600, 500, true, limits)).toBe(SendDecision.DISCONNECT);
    expect(decideSend(3500, 500, true, limits), say({ en: 'landing exactly on the hard limit is allowed', ko: '하드 한도에 딱 닿는 것은 허용됩니다' })).toBe(SendDecision.SEND);
  });

  test('never disconnects for a non-essential message: one user\'s traffic must not close another\'s socket', () => {
    const small = { softLimitBytes: 1000, hardLimitBytes: 1200 };

    expect(decideSend(900, 500, false, small), say({ en: 'below the soft limit, but past the hard limit with this message: drop it', ko: '소프트 한도 아래지만 이 메시지로 하드 한도를 넘습니다: 버리세요' })).toBe(SendDecision.DROP);
    expect(decideSend(5000, 500, false, small), say({ en: 'far past the hard limit: still only a drop', ko: '하드 한도를 한참 넘어도 버리기만 합니다' })).toBe(SendDecision.DROP);
  });
});

describe('ConnectionRegistry', () => {
  test('keeps every connection of a user (two tabs)', () => {
    const registry = new ConnectionRegistry<{ userId: number; tab: string }>();
    const tab1 = { userId: 1, tab: 'a' };
    const tab2 = { userId: 1, tab: 'b' };

    registry.add(tab1);
    registry.add(tab2);
    const both = [...registry.connectionsOf(1)];
    registry.remove(tab1);
    const afterClosingOne = [...registry.connectionsOf(1)];

    expect(both, say({ en: 'Map<userId, socket> keeps only the last tab: use Map<userId, Set<connection>> (registry.ts)', ko: 'Map<userId, socket>은 마지막 탭만 남깁니다: Map<userId, Set<connection>>을 쓰세요(registry.ts)' })).toEqual([tab1, tab2]);
    expect(afterClosingOne, say({ en: 'closing one tab must not forget the other', ko: '탭 하나를 닫아도 다른 탭을 잊으면 안 됩니다' })).toEqual([tab2]);
  });

  test('join and leave track members; empty rooms and users are deleted', () => {
    const registry = new ConnectionRegistry<{ userId: number }>();
    const a = { userId: 1 };
    const b = { userId: 2 };
    registry.add(a);
    registry.add(b);

    const firstJoin = registry.join(a, 'r');
    const secondJoin = registry.join(a, 'r');
    registry.join(b, 'r');
    const members = [...registry.members('r')];
    registry.leave(a, 'r');
    registry.remove(b);

    expect([firstJoin, secondJoin], say({ en: 'join() returns true only the first time', ko: 'join()은 처음에만 true를 돌려줘야 합니다' })).toEqual([true, false]);
    expect(members).toEqual([a, b]);
    expect(registry.stats(), say({ en: 'after everyone left, no room and no user entry may remain', ko: '모두 나간 뒤에는 방 항목도 사용자 항목도 남으면 안 됩니다' })).toEqual({ connections: 1, users: 1, rooms: 0 });
  });

  test('remove() leaves every room and is idempotent', () => {
    const registry = new ConnectionRegistry<{ userId: number }>();
    const a = { userId: 1 };
    registry.add(a);
    registry.join(a, 'x');
    registry.join(a, 'y');

    registry.remove(a);
    registry.remove(a);

    expect(registry.isMember(a, 'x')).toBe(false);
    expect(registry.stats()).toEqual({ connections: 0, users: 0, rooms: 0 });
  });
});

describe('handshake parsing', () => {
  test('reads a Bearer header first, then a ticket from the query', () => {
    const both = readCredential({ url: '/ws?ticket=t1', headers: { authorization: 'Bearer abc' } });
    const ticket = readCredential({ url: '/ws?ticket=t1', headers: {} });

    expect(both, say({ en: 'the Authorization header wins (handshake.ts)', ko: 'Authorization 헤더가 이깁니다(handshake.ts)' })).toEqual({ kind: 'bearer', token: 'abc' });
    expect(ticket).toEqual({ kind: 'ticket', ticket: 't1' });
  });

  test('does not read a session token from the URL, nor a malformed header', () => {
    expect(readCredential({ url: '/ws?token=abc', headers: {} }), say({ en: 'a token in the URL ends up in logs: refuse it', ko: 'URL의 토큰은 로그에 남습니다: 거절하세요' })).toBeNull();
    expect(readCredential({ url: '/ws', headers: { authorization: 'Basic abc' } })).toBeNull();
    expect(readCredential({ url: '/ws', headers: { authorization: 'Bearer' } })).toBeNull();
  });

  test('recognises a WebSocket upgrade ws would accept, and nothing else', () => {
    const good = { method: 'GET', url: '/ws', headers: { upgrade: 'WebSocket', 'sec-websocket-version': '13', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==' } };
    const { 'sec-websocket-key': _key, ...noKey } = good.headers;

    expect(isWebSocketUpgrade(good), say({ en: 'a GET with Upgrade: websocket (any case), version 13 or 8 and a 16-byte key is an upgrade (handshake.ts)', ko: 'Upgrade: websocket(대소문자 무관), 버전 13이나 8, 16바이트 키가 있는 GET은 업그레이드입니다(handshake.ts)' })).toBe(true);
    expect(isWebSocketUpgrade({ ...good, headers: noKey }), say({ en: 'no Sec-WebSocket-Key: ws answers 400', ko: 'Sec-WebSocket-Key가 없으면 ws는 400으로 답합니다' })).toBe(false);
    expect(isWebSocketUpgrade({ ...good, headers: { ...good.headers, 'sec-websocket-key': 'short' } }), say({ en: 'a key must be 16 bytes in base64', ko: '키는 base64로 16바이트여야 합니다' })).toBe(false);
    expect(isWebSocketUpgrade({ ...good, headers: { ...good.headers, 'sec-websocket-version': '12' } }), say({ en: 'ws accepts Sec-WebSocket-Version 13 (or 8) only', ko: 'ws는 Sec-WebSocket-Version 13(또는 8)만 받습니다' })).toBe(false);
    expect(isWebSocketUpgrade({ ...good, method: 'POST' })).toBe(false);
  });

  test('checks Origin against the allow-list; no Origin is a non-browser client', () => {
    const allowed = ['http://app.test'];

    expect(isOriginAllowed('http://app.test', allowed)).toBe(true);
    expect(isOriginAllowed('http://evil.test', allowed)).toBe(false);
    expect(isOriginAllowed(undefined, allowed)).toBe(true);
  });
});
