// Lab 04: CRUD on users, a user with their latest posts, and sessions (users.ts, sessions.ts).
import { beforeEach, describe, expect, test } from 'vitest';
import { useDatabase } from '../../tools/testing/test-env.ts';
import {
  createSession,
  createUser,
  deleteExpiredSessions,
  deleteUser,
  EmailTakenError,
  findUserWithLatestPosts,
  getUserById,
  updateUser,
  UserNotFoundError,
} from './index.ts';
import { say } from '../../tools/testing/say.ts';
import { rejected } from '../../tools/testing/settled.ts';

const db = useDatabase();

const PUBLIC_KEYS = ['createdAt', 'email', 'id', 'name', 'updatedAt'];
const ana = { email: 'ana@example.com', name: 'Ana', passwordHash: 'scrypt$salt$hash-of-ana' };

beforeEach(async () => {
  await db.pool.query('DELETE FROM users'); // posts and sessions go with them (ON DELETE CASCADE)
});

describe('users: create, read, update, delete', () => {
  test('createUser stores the user and returns it without the password hash', async () => {
    const user = await createUser(db.prisma, ana);

    expect(Object.keys(user).sort(), say({ en: 'select the public columns only (USER_PUBLIC)', ko: '공개 컬럼만 고르세요(USER_PUBLIC)' })).toEqual(PUBLIC_KEYS);
    expect(user).toMatchObject({ email: 'ana@example.com', name: 'Ana' });
    const { rows } = await db.pool.query('SELECT id, email, password_hash FROM users');
    expect(rows).toEqual([{ id: user.id, email: 'ana@example.com', password_hash: 'scrypt$salt$hash-of-ana' }]);
  });

  test('createUser with a taken email throws EmailTakenError, not a raw Prisma error', async () => {
    await createUser(db.prisma, ana);

    const error = await createUser(db.prisma, { ...ana, name: 'Other Ana' }).catch((e: unknown) => e);

    expect(error, say({ en: 'catch Prisma error P2002 and throw EmailTakenError', ko: 'Prisma 오류 P2002를 잡아 EmailTakenError를 던지세요' })).toBeInstanceOf(EmailTakenError);
    expect((error as EmailTakenError).code).toBe('EMAIL_TAKEN');
    expect((error as Error).cause, say({ en: 'pass the Prisma error on as `cause`', ko: 'Prisma 오류를 `cause`로 넘기세요' })).toBeDefined();
  });

  test('getUserById finds the user, and throws UserNotFoundError for an unknown id', async () => {
    const { id } = await createUser(db.prisma, ana);

    const user = await getUserById(db.prisma, id);

    expect(Object.keys(user).sort()).toEqual(PUBLIC_KEYS);
    expect(user.email).toBe('ana@example.com');
    (await rejected(getUserById(db.prisma, id + 1000), say({ en: 'no such id: throw UserNotFoundError, do not return null', ko: '없는 id면 null을 돌려주지 말고 UserNotFoundError를 던지세요' }))).toBeInstanceOf(UserNotFoundError);
  });

  test('updateUser changes the fields given and moves updatedAt; unknown id and taken email are errors', async () => {
    const before = await createUser(db.prisma, ana);
    await createUser(db.prisma, { ...ana, email: 'bo@example.com', name: 'Bo' });

    const after = await updateUser(db.prisma, before.id, { name: 'Ana Lima' });

    expect(Object.keys(after).sort()).toEqual(PUBLIC_KEYS);
    expect([after.name, after.email]).toEqual(['Ana Lima', 'ana@example.com']);
    expect(after.updatedAt.getTime(), say({ en: '@updatedAt moves on every update', ko: '@updatedAt은 수정할 때마다 바뀝니다' })).toBeGreaterThanOrEqual(before.updatedAt.getTime());
    (await rejected(updateUser(db.prisma, before.id + 1000, { name: 'x' }), say({ en: 'P2025 means no such row', ko: 'P2025는 그런 행이 없다는 뜻입니다' }))).toBeInstanceOf(UserNotFoundError);
    (await rejected(updateUser(db.prisma, before.id, { email: 'bo@example.com' }))).toBeInstanceOf(EmailTakenError);
  });

  test("deleteUser deletes the user with their posts and sessions; deleting again throws UserNotFoundError", async () => {
    const { id } = await createUser(db.prisma, ana);
    await db.prisma.post.create({ data: { authorId: id, title: 'Hello' } });
    await db.prisma.session.create({ data: { userId: id, token: 't1', expiresAt: new Date('2030-01-01') } });

    await deleteUser(db.prisma, id);

    const { rows } = await db.pool.query(
      'SELECT (SELECT count(*) FROM users)::int AS users, (SELECT count(*) FROM posts)::int AS posts, (SELECT count(*) FROM sessions)::int AS sessions',
    );
    expect(rows[0], say({ en: 'deleteUser should delete the user; the cascade takes the posts and sessions along', ko: 'deleteUser는 사용자를 지워야 하고, 글과 세션은 cascade로 함께 지워집니다' })).toEqual({ users: 0, posts: 0, sessions: 0 });
    (await rejected(deleteUser(db.prisma, id), say({ en: 'deleting a user that is gone: catch P2025 and throw UserNotFoundError', ko: '없는 사용자를 지우면 P2025를 잡아 UserNotFoundError를 던지세요' }))).toBeInstanceOf(UserNotFoundError);
  });
});

describe('findUserWithLatestPosts', () => {
  test('returns the user with their newest published posts first, at most `take`, no drafts, no hash', async () => {
    const { id } = await createUser(db.prisma, ana);
    const base = Date.parse('2026-03-01T12:00:00Z');
    for (const [i, published] of [true, false, true, true, true].entries()) {
      await db.prisma.post.create({ data: { authorId: id, title: `post ${i}`, published, createdAt: new Date(base + i * 60_000) } });
    }
    // Same timestamp as "post 4": the id decides the order between them.
    await db.prisma.post.create({ data: { authorId: id, title: 'post 5', published: true, createdAt: new Date(base + 4 * 60_000) } });

    const user = await findUserWithLatestPosts(db.prisma, 'ana@example.com', 3);

    expect(user, say({ en: 'the user should be found by email', ko: '이메일로 사용자를 찾아야 합니다' })).not.toBeNull();
    expect(Object.keys(user!).sort(), say({ en: 'the user part: public columns + posts', ko: '사용자 부분: 공개 컬럼 + posts' })).toEqual([...PUBLIC_KEYS, 'posts'].sort());
    expect(user!.posts.map((p) => p.title), say({ en: 'published only, newest first (ties broken by id, newest first)', ko: '게시된 글만, 최신순으로(시각이 같으면 id가 큰 것부터)' })).toEqual(['post 5', 'post 4', 'post 3']);
  });

  test('returns null for an unknown email', async () => {
    await createUser(db.prisma, ana);

    expect(await findUserWithLatestPosts(db.prisma, 'nobody@example.com')).toBeNull();
  });
});

describe('sessions', () => {
  test('createSession stores a random token that expires ttl after now', async () => {
    const { id } = await createUser(db.prisma, ana);
    const now = new Date('2026-03-01T12:00:00Z');

    const a = await createSession(db.prisma, id, 3_600_000, now);
    const b = await createSession(db.prisma, id, 3_600_000, now);

    expect(a.token, say({ en: '32 random bytes in base64url are 43 characters', ko: '무작위 32바이트를 base64url로 쓰면 43글자입니다' })).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(a.token).not.toBe(b.token);
    expect(a.expiresAt.toISOString()).toBe('2026-03-01T13:00:00.000Z');
    const stored = await db.prisma.session.findUniqueOrThrow({ where: { token: a.token } });
    expect([stored.userId, stored.expiresAt.toISOString()]).toEqual([id, '2026-03-01T13:00:00.000Z']);
  });

  test('deleteExpiredSessions deletes exactly the sessions expired at `now` and returns how many', async () => {
    const { id: userId } = await createUser(db.prisma, ana);
    const now = new Date('2026-03-01T12:00:00.000Z');
    const at = (ms: number) => new Date(now.getTime() + ms);
    await db.prisma.session.createMany({
      data: [
        { userId, token: 'long-gone', expiresAt: at(-86_400_000) },
        { userId, token: 'just-gone', expiresAt: at(-1) },
        { userId, token: 'ends-now', expiresAt: at(0) },
        { userId, token: 'still-valid', expiresAt: at(1) },
      ],
    });

    const deleted = await deleteExpiredSessions(db.prisma, now);

    expect(deleted, say({ en: 'expired means expiresAt <= now', ko: '만료란 expiresAt <= now라는 뜻입니다' })).toBe(3);
    const left = await db.prisma.session.findMany({ select: { token: true } });
    expect(left).toEqual([{ token: 'still-valid' }]);
    expect(await deleteExpiredSessions(db.prisma, now), say({ en: 'nothing left to delete', ko: '지울 것이 남아 있지 않아야 합니다' })).toBe(0);
  });
});
