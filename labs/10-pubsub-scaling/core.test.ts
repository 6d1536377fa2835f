// The pure parts: stream names, offsets, epochs, the resume decision, and counted interest.
// No Redis, no sockets: these run in milliseconds and say exactly which rule broke.
import { describe, expect, test } from 'vitest';
import { say } from '../../tools/testing/say.ts';
import { Interest } from './interest.ts';
import { compareOffsets, epochBelongsTo, newEpoch, parseStream, planResume, roomStream, START, streamKeys, userStream } from './streams.ts';

/** A message about planResume (step 4) in both languages. */
const plan = (en: string, ko: string) => say({ en: `🚨 streams.ts (step 4, planResume): ${en}`, ko: `🚨 streams.ts (4단계, planResume): ${ko}` });
/** A message about Interest (step 1) in both languages. */
const held = (en: string, ko: string) => say({ en: `🚨 interest.ts (step 1): ${en}`, ko: `🚨 interest.ts (1단계): ${ko}` });

describe('streams and offsets', () => {
  test('stream names and their Redis names come from one place', () => {
    expect(roomStream('lobby')).toBe('room:lobby');
    expect(userStream(42)).toBe('user:42');
    expect(parseStream('user:42'), say({ en: "🚨 streams.ts (step 1): parseStream('user:42') splits the kind from the id", ko: "🚨 streams.ts (1단계): parseStream('user:42')는 종류와 id를 나눕니다" })).toEqual({ kind: 'user', id: '42' });
    expect(parseStream('admin:1'), say({ en: '🚨 streams.ts (step 1): only room:, user: and job: streams exist; anything else is null', ko: '🚨 streams.ts (1단계): room:, user:, job: 스트림만 있습니다. 나머지는 null입니다' })).toBeNull();
    expect(parseStream('room:'), say({ en: '🚨 streams.ts (step 1): a stream without an id is null', ko: '🚨 streams.ts (1단계): id가 없는 스트림은 null입니다' })).toBeNull();
    const keys = streamKeys('p:', 'room:lobby');
    expect(new Set(Object.values(keys)).size, say({ en: 'streams.ts: log, epoch and both channels need distinct names', ko: 'streams.ts: 로그, 에포크, 두 채널은 이름이 모두 달라야 합니다' })).toBe(4);
    for (const name of Object.values(keys)) {
      expect(name.startsWith('p:'), say({ en: `streams.ts: ${name} must start with the prefix`, ko: `streams.ts: ${name}은 접두사로 시작해야 합니다` })).toBe(true);
      expect(name, say({ en: 'streams.ts: every name of a stream carries the {stream} hash tag (one cluster slot)', ko: 'streams.ts: 스트림의 모든 이름에는 {stream} 해시 태그가 붙습니다(클러스터 슬롯 하나)' })).toContain('{room:lobby}');
    }
  });

  test('offsets compare as numbers (ms, then sequence), not as strings', () => {
    const numbers = say({ en: '🚨 streams.ts (step 1): compareOffsets compares the milliseconds, then the sequence, as numbers (BigInt), never as text', ko: '🚨 streams.ts (1단계): compareOffsets는 밀리초를, 그다음 시퀀스를 텍스트가 아니라 숫자(BigInt)로 비교합니다' });
    expect(compareOffsets('9-0', '10-0'), `${numbers}: "9-0" < "10-0"`).toBeLessThan(0);
    expect(compareOffsets('5-10', '5-9'), `${numbers}: "5-10" > "5-9"`).toBeGreaterThan(0);
    expect(compareOffsets('7-1', '7-1'), `${numbers}: "7-1" = "7-1"`).toBe(0);
    expect(compareOffsets(START, '1-0'), `${numbers}: "0-0" < "1-0"`).toBeLessThan(0);
    expect(() => compareOffsets('abc', '1-0'), say({ en: '🚨 streams.ts (step 1): something that is not an entry id must throw a TypeError (parseOffset returns null for it)', ko: '🚨 streams.ts (1단계): 엔트리 id가 아닌 것에는 TypeError를 던져야 합니다(parseOffset은 null을 돌려줍니다)' })).toThrow(TypeError);
  });

  test('an epoch belongs to the stream it was made for, and each is new', () => {
    const a = newEpoch('room:a');
    expect(a).not.toBe(newEpoch('room:a'));
    expect(epochBelongsTo(a, 'room:a'), say({ en: '🚨 streams.ts (step 1): an epoch newEpoch made for room:a belongs to room:a', ko: '🚨 streams.ts (1단계): newEpoch가 room:a에 만든 에포크는 room:a의 것입니다' })).toBe(true);
    expect(epochBelongsTo(newEpoch('room:a'), 'room:a'), say({ en: 'streams.ts (step 1): another life of the same stream still belongs to it', ko: 'streams.ts (1단계): 같은 스트림의 다른 생애도 그 스트림의 것입니다' })).toBe(true);
    expect(epochBelongsTo(a, 'room:b'), say({ en: '🚨 streams.ts (step 1): an epoch of room:a is foreign to room:b: compare the whole tag, up to the dot', ko: '🚨 streams.ts (1단계): room:a의 에포크는 room:b에는 남의 것입니다. 점까지 태그 전체를 비교하세요' })).toBe(false);
  });
});

describe('planResume', () => {
  const stream = 'room:r';
  const epoch = newEpoch(stream);
  const head = { epoch, last: '100-0', firstKept: '1-0', trimmed: false };

  test('same epoch, an offset inside the history: replay from it', () => {
    expect(planResume(stream, head, { epoch, offset: '40-0' }), plan('same epoch, an offset inside the history: replay from it', '같은 에포크, 기록 안의 오프셋: 거기서부터 재전송')).toEqual({ kind: 'replay', from: '40-0' });
    expect(planResume(stream, head, { epoch, offset: '100-0' }), plan('up to date: nothing to replay, but still a replay (not a reject: the head itself was handed out)', '최신 상태: 재전송할 것은 없지만 여전히 replay입니다(거절이 아닙니다. 머리 자체는 건넨 오프셋입니다)')).toEqual({ kind: 'replay', from: '100-0' });
    expect(planResume(stream, head, { epoch, offset: START }), plan('from the start (0-0) of an untrimmed history: replay everything', '잘리지 않은 기록의 처음(0-0)부터: 전부 재전송')).toEqual({ kind: 'replay', from: START });
  });

  test('an offset ahead of the stream is refused: nobody handed it out', () => {
    expect(planResume(stream, head, { epoch, offset: '101-0' }), plan('an offset after head.last was never handed out: reject bad_offset', 'head.last보다 뒤의 오프셋은 건넨 적이 없습니다: bad_offset으로 거절')).toEqual({ kind: 'reject', code: 'bad_offset' });
  });

  test('an epoch of another stream is refused; an older epoch of this one means resync', () => {
    expect(planResume(stream, head, { epoch: newEpoch('room:other'), offset: '40-0' }), plan('an epoch of another stream comes first: reject foreign_epoch (epochBelongsTo)', '다른 스트림의 에포크를 먼저 봅니다: foreign_epoch로 거절(epochBelongsTo)')).toEqual({ kind: 'reject', code: 'foreign_epoch' });
    expect(planResume(stream, head, { epoch: newEpoch(stream), offset: '40-0' }), plan('an older epoch of this stream means Redis lost the history: resync from START, not a reject', '이 스트림의 예전 에포크는 Redis가 기록을 잃었다는 뜻입니다: 거절이 아니라 START부터 resync')).toEqual({ kind: 'resync', reason: 'epoch_changed', from: START });
  });

  test('history trimmed past the offset: resync, then what is left, never silence', () => {
    const trimmed = { ...head, firstKept: '60-0', trimmed: true };
    expect(planResume(stream, trimmed, { epoch, offset: '40-0' }), plan('an offset before firstKept after trimming: resync history_lost, then replay from the offset', '잘린 뒤 firstKept보다 앞선 오프셋: history_lost로 resync하고 그 오프셋부터 재전송')).toEqual({ kind: 'resync', reason: 'history_lost', from: '40-0' });
    expect(planResume(stream, trimmed, { epoch, offset: START }), plan('from the very start, with entries trimmed: resync history_lost', '엔트리가 잘렸는데 맨 처음부터: history_lost로 resync')).toEqual({ kind: 'resync', reason: 'history_lost', from: START });
    expect(planResume(stream, trimmed, { epoch, offset: '60-0' }), plan('the oldest kept entry itself: nothing after it is missing, replay', '남은 가장 오래된 엔트리 자체: 그 뒤로 빠진 것이 없으니 재전송')).toEqual({ kind: 'replay', from: '60-0' });
    expect(planResume(stream, trimmed, { epoch, offset: '80-0' }), plan('an offset inside what is kept: replay', '남은 기록 안의 오프셋: 재전송')).toEqual({ kind: 'replay', from: '80-0' });
    expect(planResume(stream, { ...trimmed, trimmed: false }, { epoch, offset: '40-0' }), plan('nothing was ever trimmed: nothing is missing, replay', '잘린 적이 없으면 빠진 것도 없습니다: 재전송')).toEqual({ kind: 'replay', from: '40-0' });
  });
});

describe('Interest (subscribe on the first, unsubscribe on the last)', () => {
  test('add says "first", remove says "last"', () => {
    const interest = new Interest();
    expect(interest.add('room:a', 'c1'), held('add() returns true for the first holder of a key: subscribe now', '키의 첫 보유자에는 add()가 true: 지금 구독')).toBe(true);
    expect(interest.add('room:a', 'c2'), held('a second holder: false, already subscribed', '두 번째 보유자: false, 이미 구독 중')).toBe(false);
    expect(interest.remove('room:a', 'c1'), held('remove() returns false while c2 still holds it', 'c2가 아직 보유하면 remove()는 false')).toBe(false);
    expect(interest.remove('room:a', 'c1'), held('removing twice changes nothing', '두 번 지워도 달라지는 것이 없습니다')).toBe(false);
    expect(interest.remove('room:a', 'c2'), held('the last holder left: true, unsubscribe now', '마지막 보유자가 떠남: true, 지금 구독 해제')).toBe(true);
    expect(interest.size, held('size counts keys with holders: an emptied set must be deleted', 'size는 보유자가 있는 키를 셉니다: 빈 Set은 지워야 합니다')).toBe(0);
  });

  test('removeHolder releases every key of a closed socket and reports the ones nobody holds', () => {
    const interest = new Interest();
    interest.add('room:a', 'c1');
    interest.add('room:b', 'c1');
    interest.add('room:b', 'c2');

    expect(interest.removeHolder('c1'), held('removeHolder returns the keys nobody holds any more (room:b still has c2)', 'removeHolder는 이제 아무도 보유하지 않는 키를 돌려줍니다(room:b에는 c2가 남음)')).toEqual(['room:a']);
    expect([...interest.holders('room:b')], held('the other holders stay', '다른 보유자는 남습니다')).toEqual(['c2']);
    expect(interest.keysOf('c1').size, held('nothing of c1 may stay behind (both maps)', 'c1의 것은 아무것도 남으면 안 됩니다(맵 두 개 모두)')).toBe(0);
  });
});
