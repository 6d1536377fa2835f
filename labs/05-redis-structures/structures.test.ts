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

const redis = useRedis();
const ctx = (): RedisContext => ({ client: redis.client, keys: keyspace(redis.prefix) });

describe('keys', () => {
  test('every key starts with the namespace and reads like a path', () => {
    const keys = keyspace('app:');

    expect(keys.session('tok-1'), 'keys.session in keys.ts').toBe('app:session:tok-1');
    expect(keys.video(42), 'keys.video in keys.ts').toBe('app:video:42');
    expect(keys.videoStats(42), 'keys.videoStats in keys.ts').toBe('app:video:42:stats');
    expect(keys.videoTags(42), 'keys.videoTags in keys.ts').toBe('app:video:42:tags');
    expect(keys.leaderboard('weekly'), 'keys.leaderboard in keys.ts').toBe('app:leaderboard:weekly');
    expect(keys.queue('render'), 'keys.queue in keys.ts').toBe('app:queue:render');
    expect(keys.processing('render', 'c1'), 'keys.processing in keys.ts').toBe('app:queue:render:processing:c1');
    expect(keys.consumerLease('render', 'c1'), 'keys.consumerLease in keys.ts').toBe('app:queue:render:lease:c1');
  });

  test('a namespace must end with ":" and a key part must not be empty', () => {
    expect(() => keyspace('app'), 'keyspace("app") should throw InvalidNamespaceError').toThrow(
      expect.objectContaining({ code: ErrorCode.INVALID_NAMESPACE }),
    );
    expect(() => keyspace(''), 'keyspace("") should throw InvalidNamespaceError').toThrow(
      expect.objectContaining({ code: ErrorCode.INVALID_NAMESPACE }),
    );
    expect(() => keyspace('app:').session(''), 'an empty part would make "session:" collide: throw InvalidKeyPartError').toThrow(
      expect.objectContaining({ code: ErrorCode.INVALID_KEY_PART }),
    );
  });

  test('glob characters in literal text are escaped for MATCH', () => {
    expect(escapeGlob('a*b?[c]\\d'), 'escapeGlob in keys.ts: put a backslash before * ? [ ] and \\').toBe('a\\*b\\?\\[c\\]\\\\d');
    expect(keyspace('t[1]:').match('video:*'), 'keys.match escapes the namespace, not the glob').toBe('t\\[1\\]:video:*');
    expect(keyspace('app:').processingPattern('r*'), 'keys.processingPattern escapes the queue name').toBe('app:queue:r\\*:processing:*');
  });

  test('the consumer of a processing list is read back from its key', () => {
    const keys = keyspace('app:');

    expect(keys.consumerOf('render', 'app:queue:render:processing:worker-7')).toBe('worker-7');
    expect(keys.consumerOf('render', 'app:queue:render:lease:worker-7'), 'not a processing list').toBeNull();
    expect(keys.consumerOf('render', 'app:queue:thumbs:processing:worker-7'), 'another queue').toBeNull();
  });
});

describe('strings and TTL', () => {
  test('a session is stored with its TTL in one command and read back as a number', async () => {
    await saveSession(ctx(), 'tok-a', 42, 60);

    expect(await readSession(ctx(), 'tok-a'), 'readSession should return the user id as a number, not "42"').toBe(42);
    const ttl = await sessionTtl(ctx(), 'tok-a');
    expect(ttl.state, 'sessionTtl right after saveSession(…, 60)').toBe('expiring');
    expect(ttl.state === 'expiring' && ttl.seconds, 'seconds left should be 59 or 60').toBeGreaterThanOrEqual(59);
    expect(ttl.state === 'expiring' && ttl.seconds).toBeLessThanOrEqual(60);
  });

  test('TTL replies -2 and -1 are states, not durations', async () => {
    await redis.client.set(ctx().keys.session('forever'), '7');

    expect(parseTtl(-2), 'parseTtl(-2)').toEqual({ state: 'missing' });
    expect(parseTtl(-1), 'parseTtl(-1)').toEqual({ state: 'persistent' });
    expect(parseTtl(17), 'parseTtl(17)').toEqual({ state: 'expiring', seconds: 17 });
    expect(await sessionTtl(ctx(), 'no-such-token'), 'sessionTtl of a missing key').toEqual({ state: 'missing' });
    expect(await sessionTtl(ctx(), 'forever'), 'sessionTtl of a key without expiry').toEqual({ state: 'persistent' });
    expect(await readSession(ctx(), 'no-such-token'), 'readSession of a missing token').toBeNull();
  });

  test('a TTL that is not a positive whole number is refused before anything is written', async () => {
    await expect(saveSession(ctx(), 'tok-zero', 1, 0), 'saveSession(…, 0) should throw InvalidTtlError').rejects.toMatchObject({
      code: ErrorCode.INVALID_TTL,
    });
    await expect(saveSession(ctx(), 'tok-half', 1, 1.5)).rejects.toMatchObject({ code: ErrorCode.INVALID_TTL });
    expect(await redis.client.exists([ctx().keys.session('tok-zero'), ctx().keys.session('tok-half')]), 'nothing written').toBe(0);
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
    expect(encodeJson({ n: 9007199254740993n, at: new Date('2026-01-02T03:04:05.000Z') }), 'encodeJson in json.ts').toBe(
      '{"n":"9007199254740993","at":"2026-01-02T03:04:05.000Z"}',
    );
  });

  test('a typed get revives dates and bigints through the schema', async () => {
    const key = ctx().keys.video(1);
    const video = { id: 1, title: 'intro.mp4', createdAt: new Date('2026-03-01T10:00:00.000Z'), sizeBytes: 9007199254740993n };

    await setJson(redis.client, key, video);
    const back = await getJson(redis.client, key, VideoMeta);

    expect(back?.createdAt, 'createdAt should come back as a Date, not a string').toBeInstanceOf(Date);
    expect(back, 'getJson should return the same video').toEqual(video);
    expect(await getJson(redis.client, ctx().keys.video(404), VideoMeta), 'getJson of a missing key').toBeNull();
  });

  test('a value can be stored with a TTL, like any string', async () => {
    const key = ctx().keys.video(2);

    await setJson(redis.client, key, { id: 2, title: 't', createdAt: new Date(), sizeBytes: 1n }, { ttlSeconds: 30 });

    const ttl = await redis.client.ttl(key);
    expect(ttl, 'setJson(…, { ttlSeconds: 30 }) should set a TTL of 30 s').toBeGreaterThanOrEqual(29);
    expect(ttl).toBeLessThanOrEqual(30);
  });

  test('what is not JSON of the expected shape is a CorruptValueError, not a wrong value', async () => {
    const key = ctx().keys.video(3);
    await redis.client.set(key, 'not json');

    await expect(getJson(redis.client, key, VideoMeta), 'garbage in Redis').rejects.toMatchObject({ code: ErrorCode.CORRUPT_VALUE });
    expect(() => decodeJson('{"id":"three"}', VideoMeta), 'valid JSON, wrong shape').toThrow(
      expect.objectContaining({ code: ErrorCode.CORRUPT_VALUE }),
    );
  });
});

describe('hashes', () => {
  test('an object goes in as fields and comes back with numbers, not strings', async () => {
    await saveStats(ctx(), 10, { views: 10, likes: 2 });

    expect(await loadStats(ctx(), 10), 'loadStats in hashes.ts').toEqual({ views: 10, likes: 2 });
  });

  test('concurrent views are counted atomically with HINCRBY', async () => {
    await saveStats(ctx(), 11, { views: 10, likes: 2 });

    const counts = await Promise.all(Array.from({ length: 5 }, () => recordView(ctx(), 11)));

    expect([...counts].sort((a, b) => a - b), 'each recordView returns the new count').toEqual([11, 12, 13, 14, 15]);
    expect(await loadStats(ctx(), 11)).toEqual({ views: 15, likes: 2 });
  });

  test('a missing hash is null, and a missing field is 0', async () => {
    expect(await loadStats(ctx(), 12), 'HGETALL of a missing key replies {}: loadStats should return null').toBeNull();

    await recordView(ctx(), 13);

    expect(await loadStats(ctx(), 13), 'only "views" exists').toEqual({ views: 1, likes: 0 });
  });
});

describe('list as a FIFO queue', () => {
  test('jobs come out in the order they went in', async () => {
    expect(await enqueue(ctx(), 'fifo', 'job-1', 'job-2'), 'enqueue returns the new length').toBe(2);
    expect(await enqueue(ctx(), 'fifo', 'job-3')).toBe(3);

    expect(await dequeue(ctx(), 'fifo'), 'the oldest job first (RPUSH + LPOP)').toBe('job-1');
    expect(await waitingJobs(ctx(), 'fifo'), 'waitingJobs, oldest first').toEqual(['job-2', 'job-3']);
  });

  test('an empty queue gives null', async () => {
    expect(await dequeue(ctx(), 'empty')).toBeNull();
    expect(await waitingJobs(ctx(), 'empty')).toEqual([]);
  });
});

describe('sets', () => {
  test('a tag is stored once, and membership is a boolean', async () => {
    expect(await addTags(ctx(), 20, ['ffmpeg', 'h264', 'ffmpeg']), 'two distinct new tags').toBe(2);
    expect(await addTags(ctx(), 20, ['h264', 'webm']), 'only "webm" is new').toBe(1);

    expect(await hasTag(ctx(), 20, 'h264'), 'hasTag should return true, not 1').toBe(true);
    expect(await hasTag(ctx(), 20, 'av1'), 'hasTag should return false, not 0').toBe(false);
    expect(await tagsOf(ctx(), 20), 'tagsOf, sorted').toEqual(['ffmpeg', 'h264', 'webm']);
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

    expect(await top(ctx(), 'ties', 3), 'bob and carol tie at 200: bob (B) ranks before carol (C)').toEqual([
      { member: 'bob', score: 200, rank: 1 },
      { member: 'carol', score: 200, rank: 2 },
      { member: 'alice', score: 100, rank: 3 },
    ]);
    expect(await top(ctx(), 'ties', 0), 'top(0) is empty (ZRANGE 0 -1 would be everything)').toEqual([]);
  });

  test('points are added atomically, and a new member starts at 0', async () => {
    await setScore(ctx(), 'points', 'alice', 100);
    await setScore(ctx(), 'points', 'bob', 120);

    expect(await addPoints(ctx(), 'points', 'erin', 30), 'a new member').toBe(30);
    expect(await addPoints(ctx(), 'points', 'alice', 50), 'alice: 100 + 50').toBe(150);

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

    expect(await standingOf(ctx(), 'standing', 'carol'), 'carol is second: she ties with bob').toEqual({ member: 'carol', score: 200, rank: 2 });
    expect(await standingOf(ctx(), 'standing', 'zed'), 'a score of 0 is 0 (not -0)').toEqual({ member: 'zed', score: 0, rank: 4 });
    expect(await standingOf(ctx(), 'standing', 'nobody')).toBeNull();
  });
});

describe('delete and exists', () => {
  test('exists is a boolean; removeKeys counts only keys that existed', async () => {
    const [a, b, missing] = [redis.key('del', 'a'), redis.key('del', 'b'), redis.key('del', 'missing')];
    await redis.client.mSet({ [a]: '1', [b]: '2' });

    expect(await exists(redis.client, a), 'exists should return true, not 1').toBe(true);
    expect(await removeKeys(redis.client, [a, b, missing]), 'two of the three keys existed').toBe(2);
    expect(await exists(redis.client, a), 'exists after removeKeys').toBe(false);
    expect(await removeKeys(redis.client, []), 'nothing to delete').toBe(0);
  });
});
