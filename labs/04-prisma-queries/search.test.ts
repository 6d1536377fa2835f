// Lab 04: case-insensitive search (search.ts) and raw SQL (raw.ts).
import { beforeEach, describe, expect, test } from 'vitest';
import { useDatabase } from '../../tools/testing/test-env.ts';
import { findUsersByName, findUsersByNameUnsafe, postCountsByAuthor, searchPosts, toJson } from './index.ts';
import { say } from '../../tools/testing/say.ts';

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

    expect(hits.map((h) => h.title), say({ en: 'title OR content, mode insensitive, published only, newest first', ko: 'title 또는 content, mode insensitive, 게시된 글만, 최신순' })).toEqual(['Caching', 'Prisma in practice']);
  });

  test("returns only the author's id and name: never the email or the password hash", async () => {
    const ana = await user('Ana');
    await post(ana.id, 'Hello world', null);

    const hits = await searchPosts(db.prisma, 'hello');

    expect(hits).toHaveLength(1);
    expect(hits[0]!.author, say({ en: 'include the author with PUBLIC_AUTHOR only', ko: '작성자는 PUBLIC_AUTHOR만 골라 include하세요' })).toEqual({ id: ana.id, name: 'Ana' });
    expect(JSON.stringify(hits), say({ en: 'nothing about the hash may leave the query', ko: '해시에 관한 것은 하나도 쿼리 밖으로 나가면 안 됩니다' })).not.toMatch(/secret-hash|passwordHash|password_hash|ana@example/);
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

    expect(percent.map((h) => h.title), say({ en: 'Prisma does not escape LIKE wildcards: escape %, _ and \\ yourself', ko: 'Prisma는 LIKE 와일드카드를 이스케이프하지 않습니다: %, _, \\를 직접 이스케이프하세요' })).toEqual(['A 100% guide']);
    expect(underscore.map((h) => h.title)).toEqual(['snake_case names']);
    expect(everything.map((h) => h.title)).toEqual(['A 100% guide']);
  });

  test('returns [] for a blank query, and at most `limit` posts', async () => {
    const ana = await user('Ana');
    for (let minute = 0; minute < 5; minute++) await post(ana.id, `note ${minute}`, null, { minute });

    expect(await searchPosts(db.prisma, '   '), say({ en: 'a blank query should match nothing, not everything', ko: '빈 검색어는 전부가 아니라 아무것도 찾지 않아야 합니다' })).toEqual([]);
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

    expect(unsafe.length, say({ en: 'the unsafe version really is injectable: it returns every user', ko: '안전하지 않은 버전은 정말로 주입에 뚫립니다: 모든 사용자를 돌려줍니다' })).toBe(2);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the message quotes the tagged template the learner writes
    expect(safe, say({ en: 'with $queryRaw`... ${name}` the attack is just a name nobody has', ko: '$queryRaw`... ${name}`이면 공격 문자열은 아무도 쓰지 않는 이름일 뿐입니다' })).toEqual([]);
    expect(quoted, say({ en: 'a quote in a real name is data too', ko: '실제 이름에 든 따옴표도 데이터입니다' })).toEqual([{ id: dara.id, name: "Dara O'Brien" }]);
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
    expect(JSON.stringify(counts), say({ en: 'COUNT comes back as a BigInt: convert it before JSON', ko: 'COUNT는 BigInt로 돌아옵니다: JSON으로 만들기 전에 변환하세요' })).toBe(
      `[{"authorId":${bo.id},"name":"Bo","postCount":3},{"authorId":${ana.id},"name":"Ana","postCount":1}]`,
    );
    expect(await postCountsByAuthor(db.prisma, 2), say({ en: 'HAVING COUNT(...) >= minPosts', ko: 'HAVING COUNT(...) >= minPosts' })).toEqual([{ authorId: bo.id, name: 'Bo', postCount: 3 }]);
  });

  test('toJson writes BigInt values as strings, exactly', () => {
    const json = toJson({ id: 9_007_199_254_740_993n, sizes: [1n, 2], at: new Date(0), name: 'x' });

    expect(json).toBe('{"id":"9007199254740993","sizes":["1",2],"at":"1970-01-01T00:00:00.000Z","name":"x"}');
  });
});
