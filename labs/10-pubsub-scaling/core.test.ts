// The pure parts: stream names, offsets, epochs, the resume decision, and counted interest.
// No Redis, no sockets: these run in milliseconds and say exactly which rule broke.
import { describe, expect, test } from 'vitest';
import { Interest } from './interest.ts';
import { compareOffsets, epochBelongsTo, newEpoch, parseStream, planResume, roomStream, START, streamKeys, userStream } from './streams.ts';

describe('streams and offsets', () => {
  test('stream names and their Redis names come from one place', () => {
    expect(roomStream('lobby')).toBe('room:lobby');
    expect(userStream(42)).toBe('user:42');
    expect(parseStream('user:42')).toEqual({ kind: 'user', id: '42' });
    expect(parseStream('admin:1'), 'only room:, user: and job: streams exist').toBeNull();
    const keys = streamKeys('p:', 'room:lobby');
    expect(new Set(Object.values(keys)).size, 'log, epoch and both channels need distinct names').toBe(4);
    for (const name of Object.values(keys)) {
      expect(name.startsWith('p:'), `${name} must start with the prefix`).toBe(true);
      expect(name, 'every name of a stream carries the {stream} hash tag (one cluster slot)').toContain('{room:lobby}');
    }
  });

  test('offsets compare as numbers (ms, then sequence), not as strings', () => {
    expect(compareOffsets('9-0', '10-0'), '"9-0" < "10-0" although "9" > "1" as text').toBeLessThan(0);
    expect(compareOffsets('5-10', '5-9')).toBeGreaterThan(0);
    expect(compareOffsets('7-1', '7-1')).toBe(0);
    expect(compareOffsets(START, '1-0')).toBeLessThan(0);
    expect(() => compareOffsets('abc', '1-0'), 'something that is not an entry id must throw').toThrow(TypeError);
  });

  test('an epoch belongs to the stream it was made for, and each is new', () => {
    const a = newEpoch('room:a');
    expect(a).not.toBe(newEpoch('room:a'));
    expect(epochBelongsTo(a, 'room:a')).toBe(true);
    expect(epochBelongsTo(newEpoch('room:a'), 'room:a'), 'another life of the same stream still belongs to it').toBe(true);
    expect(epochBelongsTo(a, 'room:b'), 'an epoch of room:a is foreign to room:b').toBe(false);
  });
});

describe('planResume', () => {
  const stream = 'room:r';
  const epoch = newEpoch(stream);
  const head = { epoch, last: '100-0', firstKept: '1-0', trimmed: false };

  test('same epoch, an offset inside the history: replay from it', () => {
    expect(planResume(stream, head, { epoch, offset: '40-0' })).toEqual({ kind: 'replay', from: '40-0' });
    expect(planResume(stream, head, { epoch, offset: '100-0' }), 'up to date: nothing to replay, but still a replay').toEqual({ kind: 'replay', from: '100-0' });
    expect(planResume(stream, head, { epoch, offset: START })).toEqual({ kind: 'replay', from: START });
  });

  test('an offset ahead of the stream is refused: nobody handed it out', () => {
    expect(planResume(stream, head, { epoch, offset: '101-0' })).toEqual({ kind: 'reject', code: 'bad_offset' });
  });

  test('an epoch of another stream is refused; an older epoch of this one means resync', () => {
    expect(planResume(stream, head, { epoch: newEpoch('room:other'), offset: '40-0' })).toEqual({ kind: 'reject', code: 'foreign_epoch' });
    expect(planResume(stream, head, { epoch: newEpoch(stream), offset: '40-0' })).toEqual({ kind: 'resync', reason: 'epoch_changed', from: START });
  });

  test('history trimmed past the offset: resync, then what is left, never silence', () => {
    const trimmed = { ...head, firstKept: '60-0', trimmed: true };
    expect(planResume(stream, trimmed, { epoch, offset: '40-0' })).toEqual({ kind: 'resync', reason: 'history_lost', from: '40-0' });
    expect(planResume(stream, trimmed, { epoch, offset: START }), 'from the very start, with entries trimmed').toEqual({ kind: 'resync', reason: 'history_lost', from: START });
    expect(planResume(stream, trimmed, { epoch, offset: '60-0' }), 'the oldest kept entry itself: nothing after it is missing').toEqual({ kind: 'replay', from: '60-0' });
    expect(planResume(stream, trimmed, { epoch, offset: '80-0' })).toEqual({ kind: 'replay', from: '80-0' });
    expect(planResume(stream, { ...trimmed, trimmed: false }, { epoch, offset: '40-0' }), 'nothing was ever trimmed: nothing is missing').toEqual({ kind: 'replay', from: '40-0' });
  });
});

describe('Interest (subscribe on the first, unsubscribe on the last)', () => {
  test('add says "first", remove says "last"', () => {
    const interest = new Interest();
    expect(interest.add('room:a', 'c1'), 'the first holder of a key: subscribe now').toBe(true);
    expect(interest.add('room:a', 'c2'), 'a second holder: already subscribed').toBe(false);
    expect(interest.remove('room:a', 'c1'), 'c2 still holds it').toBe(false);
    expect(interest.remove('room:a', 'c1'), 'removing twice changes nothing').toBe(false);
    expect(interest.remove('room:a', 'c2'), 'the last holder left: unsubscribe now').toBe(true);
    expect(interest.size).toBe(0);
  });

  test('removeHolder releases every key of a closed socket and reports the ones nobody holds', () => {
    const interest = new Interest();
    interest.add('room:a', 'c1');
    interest.add('room:b', 'c1');
    interest.add('room:b', 'c2');

    expect(interest.removeHolder('c1')).toEqual(['room:a']);
    expect([...interest.holders('room:b')]).toEqual(['c2']);
    expect(interest.keysOf('c1').size, 'nothing of c1 may stay behind').toBe(0);
  });
});
