import { describe, expect, test } from 'vitest';
import { z } from 'zod';
import { useRedis } from '../../tools/testing/test-env.ts';
import type { RedisContext } from './context.ts';
import { ErrorCode } from './errors.ts';
import { addTags, commonTags, hasTag, tagsOf } from './tags.ts';
import { loadStats, recordView, saveStats } from './hashes.ts';
import { decodeJson, encodeJson, getJson, setJson } from './json.ts';
import { escapeGlob, keyspace } from './keys.ts';
import { addPoints, setScore, standingOf, top } from './leaderboard.ts';
import { dequeue, enqueue, waitingJobs } from './list-queue.ts';
import { exists, parseTtl, readSession, removeKeys, saveSession, sessionTtl } from './strings.ts';
import { say } from '../../tools/testing/say.ts';
import { rejected } from '../../tools/testing/settled.ts';

const redis = useRedis();
const ctx = (): RedisContext => ({ client: redis.client, keys: keyspace(redis.prefix) });

describe('keys', () => {
  test('every key starts with the namespace and reads like a path', () => {
    const keys = keyspace('app:');

    expect(keys.session('tok-1'), say({ en: 'keys.session in keys.ts', ko: 'keys.ts의 keys.session' })).toBe('app:session:tok-1');
    expect(keys.video(42), say({ en: 'keys.video in keys.ts', ko: 'keys.ts의 keys.video' })).toBe('app:video:42');
    expect(keys.videoStats(42), say({ en: 'keys.videoStats in keys.ts', ko: 'keys.ts의 keys.videoStats' })).toBe('app:video:42:stats');
    expect(keys.videoTags(42), say({ en: 'keys.videoTags in keys.ts', ko: 'keys.ts의 keys.videoTags' })).toBe('app:video:42:tags');
    expect(keys.leaderboard('weekly'), say({ en: 'keys.leaderboard in keys.ts', ko: 'keys.ts의 keys.leaderboard' })).toBe('app:leaderboard:weekly');
    expect(keys.queue('render'), say({ en: 'keys.queue in keys.ts', ko: 'keys.ts의 keys.queue' })).toBe('app:queue:render');
    expect(keys.processing('render', 'c1'), say({ en: 'keys.processing in keys.ts', ko: 'keys.ts의 keys.processing' })).toBe('app:queue:render:processing:c1');
    expect(keys.consumerLease('render', 'c1'), say({ en: 'keys.consumerLease in keys.ts', ko: 'keys.ts의 keys.consumerLease' })).toBe('app:queue:render:lease:c1');
  });

  test('a namespace must end with ":" and a key part must not be empty', () => {
    expect(() => keyspace('app'), say({ en: 'keyspace("app") should throw InvalidNamespaceError', ko: 'keyspace("app")은 InvalidNamespaceError를 던져야 합니다' })).toThrow(
      expect.objectContaining({ code: ErrorCode.INVALID_NAMESPACE }),
    );
    expect(() => keyspace(''), say({ en: 'keyspace("") should throw InvalidNamespaceError', ko: 'keyspace("")는 InvalidNamespaceError를 던져야 합니다' })).toThrow(
      expect.objectContaining({ code: ErrorCode.INVALID_NAMESPACE }),
    );
    expect(() => keyspace('app:').session(''), say({ en: 'an empty part would make "session:" collide: throw InvalidKeyPartError', ko: '빈 부분이 있으면 "session:"과 겹칩니다: InvalidKeyPartError를 던지세요' })).toThrow(
      expect.objectContaining({ code: ErrorCode.INVALID_KEY_PART }),
    );
  });

  test('glob characters in literal text are escaped for MATCH', () => {
    expect(escapeGlob('a*b?[c]\\d'), say({ en: 'escapeGlob in keys.ts: put a backslash before * ? [ ] and \\', ko: 'keys.ts의 escapeGlob: * ? [ ] \\ 앞에 백슬래시를 붙이세요' })).toBe('a\\*b\\?\\[c\\]\\\\d');
    expect(keyspace('t[1]:').match('video:*'), say({ en: 'keys.match escapes the namespace, not the glob', ko: 'keys.match는 glob이 아니라 네임스페이스를 이스케이프합니다' })).toBe('t\\[1\\]:video:*');
    expect(keyspace('app:').processingPattern('r*'), say({ en: 'keys.processingPattern escapes the queue name', ko: 'keys.processingPattern은 큐 이름을 이스케이프합니다' })).toBe('app:queue:r\\*:processing:*');
  });

  test('the consumer of a processing list is read back from its key', () => {
    const keys = keyspace('app:');

    expect(keys.consumerOf('render', 'app:queue:render:processing:worker-7')).toBe('worker-7');
    expect(keys.consumerOf('render', 'app:queue:render:lease:worker-7'), say({ en: 'not a processing list', ko: '처리 중 리스트가 아닙니다' })).toBeNull();
    expect(keys.consumerOf('render', 'app:queue:thumbs:processing:worker-7'), say({ en: 'another queue', ko: '다른 큐입니다' })).toBeNull();
  });
});

describe('strings and TTL', () => {
  test('a session is stored with its TTL in one command and read back as a number', async () => {
    await saveSession(ctx(), 'tok-a', 42, 60);

    expect(await readSession(ctx(), 'tok-a'), say({ en: 'readSession should return the user id as a number, not "42"', ko: 'readSession은 사용자 id를 "42"가 아니라 숫자로 돌려줘야 합니다' })).toBe(42);
    const ttl = await sessionTtl(ctx(), 'tok-a');
    expect(ttl.state, say({ en: 'sessionTtl right after saveSession(…, 60)', ko: 'saveSession(…, 60) 직후의 sessionTtl' })).toBe('expiring');
    expect(ttl.state === 'expiring' && ttl.seconds, say({ en: 'seconds left should be 59 or 60', ko: '남은 초는 59나 60이어야 합니다' })).toBeGreaterThanOrEqual(59);
    expect(ttl.state === 'expiring' && ttl.seconds).toBeLessThanOrEqual(60);
  });

  test('TTL replies -2 and -1 are states, not durations', async () => {
    await redis.client.set(ctx().keys.session('forever'), '7');

    expect(parseTtl(-2), say({ en: 'parseTtl(-2)', ko: 'parseTtl(-2)' })).toEqual({ state: 'missing' });
    expect(parseTtl(-1), say({ en: 'parseTtl(-1)', ko: 'parseTtl(-1)' })).toEqual({ state: 'persistent' });
    expect(parseTtl(17), say({ en: 'parseTtl(17)', ko: 'parseTtl(17)' })).toEqual({ state: 'expiring', seconds: 17 });
    expect(await sessionTtl(ctx(), 'no-such-token'), say({ en: 'sessionTtl of a missing key', ko: '없는 키의 sessionTtl' })).toEqual({ state: 'missing' });
    expect(await sessionTtl(ctx(), 'forever'), say({ en: 'sessionTtl of a key without expiry', ko: '만료가 없는 키의 sessionTtl' })).toEqual({ state: 'persistent' });
    expect(await readSession(ctx(), 'no-such-token'), say({ en: 'readSession of a missing token', ko: '없는 토큰의 readSession' })).toBeNull();
  });

  test('a TTL that is not a positive whole number is refused before anything is written', async () => {
    (await rejected(saveSession(ctx(), 'tok-zero', 1, 0), say({ en: 'saveSession(…, 0) should throw InvalidTtlError', ko: 'saveSession(…, 0)은 InvalidTtlError를 던져야 합니다' }))).toMatchObject({
      code: ErrorCode.INVALID_TTL,
    });
    (await rejected(saveSession(ctx(), 'tok-half', 1, 1.5))).toMatchObject({ code: ErrorCode.INVALID_TTL });
    expect(await redis.client.exists([ctx().keys.session('tok-zero'), ctx().keys.session('tok-half')]), say({ en: 'nothing written', ko: '아무것도 쓰지 않아야 합니다' })).toBe(0);
  });
});

const VideoMeta = z.object({
  id: z.number().int(),
  title: z.string(),
  createdAt: z.coerce.date(),
  sizeBytes: z.coerce.bigint(),
});

describe('JSON values', () => {
  test('a bigint is encoded as its exact decimal string instead of throwing', () => {
    expect(encodeJson({ n: 9007199254740993n, at: new Date('2026-01-02T03:04:05.000Z') }), say({ en: 'encodeJson in json.ts', ko: 'json.ts의 encodeJson' })).toBe(
      '{"n":"9007199254740993","at":"2026-01-02T03:04:05.000Z"}',
    );
  });

  test('a typed get revives dates and bigints through the schema', async () => {
    const key = ctx().keys.video(1);
    const video = { id: 1, title: 'intro.mp4', createdAt: new Date('2026-03-01T10:00:00.000Z'), sizeBytes: 9007199254740993n };

    await setJson(redis.client, key, video);
    const back = await getJson(redis.client, key, VideoMeta);

    expect(back?.createdAt, say({ en: 'createdAt should come back as a Date, not a string', ko: 'createdAt은 문자열이 아니라 Date로 돌아와야 합니다' })).toBeInstanceOf(Date);
    expect(back, say({ en: 'getJson should return the same video', ko: 'getJson은 같은 영상을 돌려줘야 합니다' })).toEqual(video);
    expect(await getJson(redis.client, ctx().keys.video(404), VideoMeta), say({ en: 'getJson of a missing key', ko: '없는 키의 getJson' })).toBeNull();
  });

  test('a value can be stored with a TTL, like any string', async () => {
    const key = ctx().keys.video(2);

    await setJson(redis.client, key, { id: 2, title: 't', createdAt: new Date(), sizeBytes: 1n }, { ttlSeconds: 30 });

    const ttl = await redis.client.ttl(key);
    expect(ttl, say({ en: 'setJson(…, { ttlSeconds: 30 }) should set a TTL of 30 s', ko: 'setJson(…, { ttlSeconds: 30 })은 TTL을 30초로 정해야 합니다' })).toBeGreaterThanOrEqual(29);
    expect(ttl).toBeLessThanOrEqual(30);
  });

  test('what is not JSON of the expected shape is a CorruptValueError, not a wrong value', async () => {
    const key = ctx().keys.video(3);
    await redis.client.set(key, 'not json');

    (await rejected(getJson(redis.client, key, VideoMeta), say({ en: 'garbage in Redis', ko: 'Redis에 든 쓰레기 값' }))).toMatchObject({ code: ErrorCode.CORRUPT_VALUE });
    expect(() => decodeJson('{"id":"three"}', VideoMeta), say({ en: 'valid JSON, wrong shape', ko: '올바른 JSON이지만 모양이 틀림' })).toThrow(
      expect.objectContaining({ code: ErrorCode.CORRUPT_VALUE }),
    );
  });
});

describe('hashes', () => {
  test('an object goes in as fields and comes back with numbers, not strings', async () => {
    await saveStats(ctx(), 10, { views: 10, likes: 2 });

    expect(await loadStats(ctx(), 10), say({ en: 'loadStats in hashes.ts', ko: 'hashes.ts의 loadStats' })).toEqual({ views: 10, likes: 2 });
  });

  test('concurrent views are counted atomically with HINCRBY', async () => {
    await saveStats(ctx(), 11, { views: 10, likes: 2 });

    const counts = await Promise.all(Array.from({ length: 5 }, () => recordView(ctx(), 11)));

    expect([...counts].sort((a, b) => a - b), say({ en: 'each recordView returns the new count', ko: 'recordView는 매번 새 횟수를 돌려줘야 합니다' })).toEqual([11, 12, 13, 14, 15]);
    expect(await loadStats(ctx(), 11)).toEqual({ views: 15, likes: 2 });
  });

  test('a missing hash is null, and a missing field is 0', async () => {
    expect(await loadStats(ctx(), 12), say({ en: 'HGETALL of a missing key replies {}: loadStats should return null', ko: '없는 키의 HGETALL은 {}로 답합니다: loadStats는 null을 돌려줘야 합니다' })).toBeNull();

    await recordView(ctx(), 13);

    expect(await loadStats(ctx(), 13), say({ en: 'only "views" exists', ko: '"views"만 있습니다' })).toEqual({ views: 1, likes: 0 });
  });
});

describe('list as a FIFO queue', () => {
  test('jobs come out in the order they went in', async () => {
    expect(await enqueue(ctx(), 'fifo', 'job-1', 'job-2'), say({ en: 'enqueue returns the new length', ko: 'enqueue는 새 길이를 돌려줘야 합니다' })).toBe(2);
    expect(await enqueue(ctx(), 'fifo', 'job-3')).toBe(3);

    expect(await dequeue(ctx(), 'fifo'), say({ en: 'the oldest job first (RPUSH + LPOP)', ko: '가장 오래된 작업이 먼저여야 합니다(RPUSH + LPOP)' })).toBe('job-1');
    expect(await waitingJobs(ctx(), 'fifo'), say({ en: 'waitingJobs, oldest first', ko: 'waitingJobs, 오래된 것부터' })).toEqual(['job-2', 'job-3']);
  });

  test('an empty queue gives null', async () => {
    expect(await dequeue(ctx(), 'empty')).toBeNull();
    expect(await waitingJobs(ctx(), 'empty')).toEqual([]);
  });
});

describe('sets', () => {
  test('a tag is stored once, and membership is a boolean', async () => {
    expect(await addTags(ctx(), 20, ['ffmpeg', 'h264', 'ffmpeg']), say({ en: 'two distinct new tags', ko: '서로 다른 새 태그 두 개' })).toBe(2);
    expect(await addTags(ctx(), 20, ['h264', 'webm']), say({ en: 'only "webm" is new', ko: '"webm"만 새 태그입니다' })).toBe(1);

    expect(await hasTag(ctx(), 20, 'h264'), say({ en: 'hasTag should return true, not 1', ko: 'hasTag는 1이 아니라 true를 돌려줘야 합니다' })).toBe(true);
    expect(await hasTag(ctx(), 20, 'av1'), say({ en: 'hasTag should return false, not 0', ko: 'hasTag는 0이 아니라 false를 돌려줘야 합니다' })).toBe(false);
    expect(await tagsOf(ctx(), 20), say({ en: 'tagsOf, sorted', ko: 'tagsOf, 정렬해서' })).toEqual(['ffmpeg', 'h264', 'webm']);
  });

  test('common tags are computed by Redis and sorted', async () => {
    await addTags(ctx(), 21, ['tutorial', 'h264', 'ffmpeg', 'intro']);
    await addTags(ctx(), 22, ['ffmpeg', 'outro', 'tutorial']);

    expect(await commonTags(ctx(), 21, 22)).toEqual(['ffmpeg', 'tutorial']);
  });
});

describe('sorted-set leaderboard', () => {
  test('highest score first, ties broken A to Z', async () => {
    await setScore(ctx(), 'ties', 'alice', 100);
    await setScore(ctx(), 'ties', 'carol', 200);
    await setScore(ctx(), 'ties', 'bob', 200);
    await setScore(ctx(), 'ties', 'dave', 50);

    expect(await top(ctx(), 'ties', 3), say({ en: 'bob and carol tie at 200: bob (B) ranks before carol (C)', ko: 'bob과 carol이 200점으로 같습니다: bob(B)이 carol(C)보다 앞이어야 합니다' })).toEqual([
      { member: 'bob', score: 200, rank: 1 },
      { member: 'carol', score: 200, rank: 2 },
      { member: 'alice', score: 100, rank: 3 },
    ]);
    expect(await top(ctx(), 'ties', 0), say({ en: 'top(0) is empty (ZRANGE 0 -1 would be everything)', ko: 'top(0)은 비어 있어야 합니다(ZRANGE 0 -1이면 전부입니다)' })).toEqual([]);
  });

  test('points are added atomically, and a new member starts at 0', async () => {
    await setScore(ctx(), 'points', 'alice', 100);
    await setScore(ctx(), 'points', 'bob', 120);

    expect(await addPoints(ctx(), 'points', 'erin', 30), say({ en: 'a new member', ko: '새 멤버' })).toBe(30);
    expect(await addPoints(ctx(), 'points', 'alice', 50), say({ en: 'alice: 100 + 50', ko: 'alice: 100 + 50' })).toBe(150);

    expect(await top(ctx(), 'points', 10)).toEqual([
      { member: 'alice', score: 150, rank: 1 },
      { member: 'bob', score: 120, rank: 2 },
      { member: 'erin', score: 30, rank: 3 },
    ]);
  });

  test("a member's standing is its 1-based rank and score; an unknown member has none", async () => {
    await setScore(ctx(), 'standing', 'alice', 100);
    await setScore(ctx(), 'standing', 'carol', 200);
    await setScore(ctx(), 'standing', 'bob', 200);
    await setScore(ctx(), 'standing', 'zed', 0);

    expect(await standingOf(ctx(), 'standing', 'carol'), say({ en: 'carol is second: she ties with bob', ko: 'carol은 2등입니다: bob과 동점입니다' })).toEqual({ member: 'carol', score: 200, rank: 2 });
    expect(await standingOf(ctx(), 'standing', 'zed'), say({ en: 'a score of 0 is 0 (not -0)', ko: '0점은 -0이 아니라 0이어야 합니다' })).toEqual({ member: 'zed', score: 0, rank: 4 });
    expect(await standingOf(ctx(), 'standing', 'nobody')).toBeNull();
  });
});

describe('delete and exists', () => {
  test('exists is a boolean; removeKeys counts only keys that existed', async () => {
    const [a, b, missing] = [redis.key('del', 'a'), redis.key('del', 'b'), redis.key('del', 'missing')];
    await redis.client.mSet({ [a]: '1', [b]: '2' });

    expect(await exists(redis.client, a), say({ en: 'exists should return true, not 1', ko: 'exists는 1이 아니라 true를 돌려줘야 합니다' })).toBe(true);
    expect(await removeKeys(redis.client, [a, b, missing]), say({ en: 'two of the three keys existed', ko: '세 키 중 두 개가 있었습니다' })).toBe(2);
    expect(await exists(redis.client, a), say({ en: 'exists after removeKeys', ko: 'removeKeys 뒤의 exists' })).toBe(false);
    expect(await removeKeys(redis.client, []), say({ en: 'nothing to delete', ko: '지울 것이 없습니다' })).toBe(0);
  });
});
