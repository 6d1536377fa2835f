// Lab 04: case-insensitive search (search.ts) and raw SQL (raw.ts).
import { beforeEach, describe, expect, test } from 'vitest';
import { useDatabase } from '../../tools/testing/test-env.ts';
import { findUsersByName, findUsersByNameUnsafe, postCountsByAuthor, searchPosts, toJson } from './index.ts';

const db = useDatabase();

async function user(name: string) {
  return db.prisma.user.create({ data: { email: `${name.toLowerCase().replace(/\W/g, '')}@example.com`, name, passwordHash: `secret-hash-of-${name}` } });
}

async function post(authorId: number, title: string, content: string | null, options: { published?: boolean; minute?: number } = {}) {
  return db.prisma.post.create({
    data: { authorId, title, content, published: options.published ?? true, createdAt: new Date(Date.UTC(2026, 2, 1, 12, options.minute ?? 0)) },
  });
}

beforeEach(async () => {
  await db.pool.query('DELETE FROM users'); // posts and sessions go with them (ON DELETE CASCADE)
});

describe('searchPosts', () => {
  test('finds published posts by title or content, ignoring case, newest first', async () => {
    const ana = await user('Ana');
    await post(ana.id, 'Prisma in practice', null, { minute: 1 });
    await post(ana.id, 'Caching', 'Why PRISMA needs an index here', { minute: 3 });
    await post(ana.id, 'prisma draft', null, { published: false, minute: 4 });
    await post(ana.id, 'Redis', 'Nothing about it', { minute: 2 });

    const hits = await searchPosts(db.prisma, 'prisma');

    expect(hits.map((h) => h.title), 'title OR content, mode insensitive, published only, newest first').toEqual(['Caching', 'Prisma in practice']);
  });

  test("returns only the author's id and name: never the email or the password hash", async () => {
    const ana = await user('Ana');
    await post(ana.id, 'Hello world', null);

    const hits = await searchPosts(db.prisma, 'hello');

    expect(hits).toHaveLength(1);
    expect(hits[0]!.author, 'include the author with PUBLIC_AUTHOR only').toEqual({ id: ana.id, name: 'Ana' });
    expect(JSON.stringify(hits), 'nothing about the hash may leave the query').not.toMatch(/secret-hash|passwordHash|password_hash|ana@example/);
  });

  test('treats % and _ in the query as plain characters', async () => {
    const ana = await user('Ana');
    await post(ana.id, 'A 100% guide', null, { minute: 1 });
    await post(ana.id, 'About 100 percent', null, { minute: 2 });
    await post(ana.id, 'snake_case names', null, { minute: 3 });
    await post(ana.id, 'snakeXcase names', null, { minute: 4 });

    const percent = await searchPosts(db.prisma, '100%');
    const underscore = await searchPosts(db.prisma, 'snake_case');
    const everything = await searchPosts(db.prisma, '%');

    expect(percent.map((h) => h.title), 'Prisma does not escape LIKE wildcards: escape %, _ and \\ yourself').toEqual(['A 100% guide']);
    expect(underscore.map((h) => h.title)).toEqual(['snake_case names']);
    expect(everything.map((h) => h.title)).toEqual(['A 100% guide']);
  });

  test('returns [] for a blank query, and at most `limit` posts', async () => {
    const ana = await user('Ana');
    for (let minute = 0; minute < 5; minute++) await post(ana.id, `note ${minute}`, null, { minute });

    expect(await searchPosts(db.prisma, '   '), 'a blank query should match nothing, not everything').toEqual([]);
    expect((await searchPosts(db.prisma, 'note', { limit: 2 })).map((h) => h.title)).toEqual(['note 4', 'note 3']);
  });
});

describe('raw SQL', () => {
  test('the tagged template treats input crafted for injection as data', async () => {
    await user('Ana');
    const dara = await user("Dara O'Brien");
    const attack = "' OR '1'='1";

    const unsafe = await findUsersByNameUnsafe(db.prisma, attack);
    const safe = await findUsersByName(db.prisma, attack);
    const quoted = await findUsersByName(db.prisma, "Dara O'Brien");

    expect(unsafe.length, 'the unsafe version really is injectable: it returns every user').toBe(2);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the message quotes the tagged template the learner writes
    expect(safe, 'with $queryRaw`... ${name}` the attack is just a name nobody has').toEqual([]);
    expect(quoted, 'a quote in a real name is data too').toEqual([{ id: dara.id, name: "Dara O'Brien" }]);
  });

  test('postCountsByAuthor: COUNT per author, most posts first, and it serialises to JSON', async () => {
    const ana = await user('Ana');
    const bo = await user('Bo');
    await user('Cy'); // no posts: not listed
    for (let i = 0; i < 3; i++) await post(bo.id, `bo ${i}`, null);
    await post(ana.id, 'ana 0', null);

    const counts = await postCountsByAuthor(db.prisma);

    expect(counts).toEqual([
      { authorId: bo.id, name: 'Bo', postCount: 3 },
      { authorId: ana.id, name: 'Ana', postCount: 1 },
    ]);
    expect(JSON.stringify(counts), 'COUNT comes back as a BigInt: convert it before JSON').toBe(
      `[{"authorId":${bo.id},"name":"Bo","postCount":3},{"authorId":${ana.id},"name":"Ana","postCount":1}]`,
    );
    expect(await postCountsByAuthor(db.prisma, 2), 'HAVING COUNT(...) >= minPosts').toEqual([{ authorId: bo.id, name: 'Bo', postCount: 3 }]);
  });

  test('toJson writes BigInt values as strings, exactly', () => {
    const json = toJson({ id: 9_007_199_254_740_993n, sizes: [1n, 2], at: new Date(0), name: 'x' });

    expect(json).toBe('{"id":"9007199254740993","sizes":["1",2],"at":"1970-01-01T00:00:00.000Z","name":"x"}');
  });
});
