// The pure protocol module: every frame becomes a typed message or a defined error reply.
import { describe, expect, test } from 'vitest';
import { ErrorCode, parseClientMessage } from './protocol.ts';
import { say } from '../../tools/testing/say.ts';

const errorOf = (frame: string | Uint8Array) => {
  const result = parseClientMessage(frame);
  expect(result.ok, say({ en: `parseClientMessage(${JSON.stringify(String(frame))}) should reject this frame (protocol.ts)`, ko: `parseClientMessage(${JSON.stringify(String(frame))})는 이 프레임을 거절해야 합니다(protocol.ts)` })).toBe(false);
  return result.ok ? undefined : result.error;
};

describe('parseClientMessage accepts valid messages', () => {
  test('join, leave, say, dm and ping parse to typed messages', () => {
    const frames = [
      { type: 'join', room: 'video-42' },
      { type: 'leave', room: 'video-42', id: 'r1' },
      { type: 'say', room: 'video-42', text: 'hello', excludeSelf: true },
      { type: 'dm', to: 7, text: 'hi' },
      { type: 'ping', id: 'p1' },
    ];

    const results = frames.map((f) => parseClientMessage(JSON.stringify(f)));

    expect(results, say({ en: 'each valid frame should give { ok: true, message } with the same fields (protocol.ts)', ko: '올바른 프레임마다 같은 필드를 가진 { ok: true, message }를 돌려줘야 합니다(protocol.ts)' })).toEqual(
      frames.map((message) => ({ ok: true, message })),
    );
  });

  test('fields the protocol does not know are stripped', () => {
    const result = parseClientMessage('{"type":"join","room":"a","admin":true}');

    expect(result, say({ en: 'unknown fields must not reach the server logic', ko: '모르는 필드가 서버 로직에 닿으면 안 됩니다' })).toEqual({ ok: true, message: { type: 'join', room: 'a' } });
  });
});

describe('parseClientMessage rejects bad frames with a code', () => {
  test('malformed JSON gives bad_json', () => {
    expect(errorOf('{"type":"join",')).toMatchObject({ type: 'error', code: ErrorCode.BAD_JSON });
  });

  test('a binary frame gives binary_frame', () => {
    expect(errorOf(new Uint8Array([123, 125]))).toMatchObject({ type: 'error', code: ErrorCode.BINARY_FRAME });
  });

  test('an unknown type gives unknown_type and keeps the request id', () => {
    expect(errorOf('{"type":"shutdown","id":"x1"}')).toEqual({
      type: 'error',
      code: ErrorCode.UNKNOWN_TYPE,
      message: expect.any(String),
      id: 'x1',
    });
  });

  test('a missing or wrong field gives invalid_message naming the field', () => {
    const missingRoom = errorOf('{"type":"say","text":"hi"}');
    const badTarget = errorOf('{"type":"dm","to":"seven","text":"hi"}');
    const noType = errorOf('{"room":"a"}');

    expect(missingRoom, say({ en: 'say without room', ko: 'room이 없는 say' })).toMatchObject({ code: ErrorCode.INVALID_MESSAGE, message: expect.stringContaining('room') });
    expect(badTarget, say({ en: 'dm with a string "to"', ko: '"to"가 문자열인 dm' })).toMatchObject({ code: ErrorCode.INVALID_MESSAGE, message: expect.stringContaining('to') });
    expect(noType, say({ en: 'an object without "type"', ko: '"type"이 없는 객체' })).toMatchObject({ code: ErrorCode.INVALID_MESSAGE, message: expect.stringContaining('type') });
  });

  test('JSON that is not an object gives invalid_message', () => {
    for (const frame of ['null', '42', '"join"', '[{"type":"join","room":"a"}]']) {
      expect(errorOf(frame), say({ en: `frame ${frame}`, ko: `프레임 ${frame}` })).toMatchObject({ code: ErrorCode.INVALID_MESSAGE });
    }
  });

  test('a room name outside the allowed characters is rejected', () => {
    expect(errorOf('{"type":"join","room":"a b"}')).toMatchObject({ code: ErrorCode.INVALID_MESSAGE });
    expect(errorOf(JSON.stringify({ type: 'join', room: 'x'.repeat(65) }))).toMatchObject({ code: ErrorCode.INVALID_MESSAGE });
  });
});
