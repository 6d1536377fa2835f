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

const db = useDatabase();

const PUBLIC_KEYS = ['createdAt', 'email', 'id', 'name', 'updatedAt'];
const ana = { email: 'ana@example.com', name: 'Ana', passwordHash: 'scrypt$salt$hash-of-ana' };

beforeEach(async () => {
  await db.pool.query('DELETE FROM users'); // posts and sessions go with them (ON DELETE CASCADE)
});

describe('users: create, read, update, delete', () => {
  test('createUser stores the user and returns it without the password hash', async () => {
    const user = await createUser(db.prisma, ana);

    expect(Object.keys(user).sort(), 'select the public columns only (USER_PUBLIC)').toEqual(PUBLIC_KEYS);
    expect(user).toMatchObject({ email: 'ana@example.com', name: 'Ana' });
    const { rows } = await db.pool.query('SELECT id, email, password_hash FROM users');
    expect(rows).toEqual([{ id: user.id, email: 'ana@example.com', password_hash: 'scrypt$salt$hash-of-ana' }]);
  });

  test('createUser with a taken email throws EmailTakenError, not a raw Prisma error', async () => {
    await createUser(db.prisma, ana);

    const error = await createUser(db.prisma, { ...ana, name: 'Other Ana' }).catch((e: unknown) => e);

    expect(error, 'catch Prisma error P2002 and throw EmailTakenError').toBeInstanceOf(EmailTakenError);
    expect((error as EmailTakenError).code).toBe('EMAIL_TAKEN');
    expect((error as Error).cause, 'pass the Prisma error on as `cause`').toBeDefined();
  });

  test('getUserById finds the user, and throws UserNotFoundError for an unknown id', async () => {
    const { id } = await createUser(db.prisma, ana);

    const user = await getUserById(db.prisma, id);

    expect(Object.keys(user).sort()).toEqual(PUBLIC_KEYS);
    expect(user.email).toBe('ana@example.com');
    await expect(getUserById(db.prisma, id + 1000)).rejects.toBeInstanceOf(UserNotFoundError);
  });

  test('updateUser changes the fields given and moves updatedAt; unknown id and taken email are errors', async () => {
    const before = await createUser(db.prisma, ana);
    await createUser(db.prisma, { ...ana, email: 'bo@example.com', name: 'Bo' });

    const after = await updateUser(db.prisma, before.id, { name: 'Ana Lima' });

    expect(Object.keys(after).sort()).toEqual(PUBLIC_KEYS);
    expect([after.name, after.email]).toEqual(['Ana Lima', 'ana@example.com']);
    expect(after.updatedAt.getTime(), '@updatedAt moves on every update').toBeGreaterThanOrEqual(before.updatedAt.getTime());
    await expect(updateUser(db.prisma, before.id + 1000, { name: 'x' }), 'P2025 means no such row').rejects.toBeInstanceOf(UserNotFoundError);
    await expect(updateUser(db.prisma, before.id, { email: 'bo@example.com' })).rejects.toBeInstanceOf(EmailTakenError);
  });

  test("deleteUser deletes the user with their posts and sessions; deleting again throws UserNotFoundError", async () => {
    const { id } = await createUser(db.prisma, ana);
    await db.prisma.post.create({ data: { authorId: id, title: 'Hello' } });
    await db.prisma.session.create({ data: { userId: id, token: 't1', expiresAt: new Date('2030-01-01') } });

    await deleteUser(db.prisma, id);

    const { rows } = await db.pool.query(
      'SELECT (SELECT count(*) FROM users)::int AS users, (SELECT count(*) FROM posts)::int AS posts, (SELECT count(*) FROM sessions)::int AS sessions',
    );
    expect(rows[0]).toEqual({ users: 0, posts: 0, sessions: 0 });
    await expect(deleteUser(db.prisma, id)).rejects.toBeInstanceOf(UserNotFoundError);
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

    expect(user, 'the user should be found by email').not.toBeNull();
    expect(Object.keys(user!).sort(), 'the user part: public columns + posts').toEqual([...PUBLIC_KEYS, 'posts'].sort());
    expect(user!.posts.map((p) => p.title), 'published only, newest first (ties broken by id, newest first)').toEqual(['post 5', 'post 4', 'post 3']);
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

    expect(a.token, '32 random bytes in base64url are 43 characters').toMatch(/^[A-Za-z0-9_-]{43}$/);
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

    expect(deleted, 'expired means expiresAt <= now').toBe(3);
    const left = await db.prisma.session.findMany({ select: { token: true } });
    expect(left).toEqual([{ token: 'still-valid' }]);
    expect(await deleteExpiredSessions(db.prisma, now), 'nothing left to delete').toBe(0);
  });
});
