// What the site knows about the labs. Two sources, joined by lab number:
//   - the twelve planned labs of the workbook (DESIGN.md), so the home page can list them all;
//   - labs/NN-topic/lab.json (tools/labs/meta.ts), the truth for a lab that exists.
// A lab is linked only where its lesson page exists in that locale, so the site builds while
// lessons are still being written and never shows a dead link.
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { DefaultTheme } from 'vitepress';
import { listLabs, Part, ROOT, type LabMeta } from '../../tools/labs/meta.ts';

export const Lang = { EN: 'en', KO: 'ko' } as const;
export type Lang = (typeof Lang)[keyof typeof Lang];

type Localized = Record<Lang, string>;

export const DOCS_DIR = path.join(ROOT, 'docs');

/** The URL prefix of a locale; its pages live in the same folder under docs/. */
export const LOCALE_BASE: Record<Lang, string> = { en: '/', ko: '/ko/' };

/** Sidebar group order and titles. */
export const PARTS: ReadonlyArray<{ part: Part; title: Localized }> = [
  { part: Part.POSTGRES, title: { en: 'PostgreSQL and Prisma', ko: 'PostgreSQL과 Prisma' } },
  { part: Part.REDIS, title: { en: 'Redis', ko: 'Redis' } },
  { part: Part.WEBSOCKETS, title: { en: 'WebSockets', ko: 'WebSocket' } },
  { part: Part.PIPELINE, title: { en: 'Pipeline and production', ko: '파이프라인과 운영' } },
];

interface PlannedLab {
  number: string;
  title: Localized;
  /** What the learner builds, one line. */
  summary: Localized;
}

/** The lab list of DESIGN.md. A lab.json, once it exists, overrides the title. */
export const PLANNED_LABS: readonly PlannedLab[] = [
  {
    number: '01',
    title: { en: 'SQL basics', ko: 'SQL 기초' },
    summary: {
      en: 'Tables with foreign keys and indexes, CRUD, JOIN, GROUP BY, a transaction with RETURNING',
      ko: '외래 키와 인덱스가 있는 테이블, CRUD, JOIN, GROUP BY, RETURNING을 쓰는 트랜잭션',
    },
  },
  {
    number: '02',
    title: { en: 'SQL advanced', ko: 'SQL 심화' },
    summary: {
      en: 'Offset vs keyset pagination, full-text search, JSONB queries, reading EXPLAIN',
      ko: '오프셋과 키셋 페이지네이션, 전문 검색, JSONB 쿼리, EXPLAIN 읽기',
    },
  },
  {
    number: '03',
    title: { en: 'Prisma schema', ko: 'Prisma 스키마' },
    summary: {
      en: 'The video-editor models, migrations and an idempotent seed',
      ko: '영상 편집기 모델, 마이그레이션, 여러 번 돌려도 안전한 시드',
    },
  },
  {
    number: '04',
    title: { en: 'Prisma queries', ko: 'Prisma 쿼리' },
    summary: {
      en: 'Relations, search, interactive transactions, batch deletes, safe raw SQL',
      ko: '관계 조회, 검색, 인터랙티브 트랜잭션, 일괄 삭제, 안전한 raw SQL',
    },
  },
  {
    number: '05',
    title: { en: 'Redis data structures', ko: 'Redis 자료구조' },
    summary: {
      en: 'Strings with TTL, hashes, lists as queues, sets, sorted-set leaderboards, SCAN',
      ko: 'TTL이 있는 문자열, 해시, 큐로 쓰는 리스트, 셋, 정렬 셋 리더보드, SCAN',
    },
  },
  {
    number: '06',
    title: { en: 'Redis caching', ko: 'Redis 캐싱' },
    summary: {
      en: 'Cache-aside, invalidation, write-through, refresh-ahead, stampede protection',
      ko: '캐시 어사이드, 무효화, 라이트 스루, 리프레시 어헤드, 캐시 스탬피드 방지',
    },
  },
  {
    number: '07',
    title: { en: 'WebSocket server', ko: 'WebSocket 서버' },
    summary: {
      en: 'Auth before the upgrade, rooms, broadcast, heartbeat, validation, backpressure',
      ko: '업그레이드 전 인증, 방, 브로드캐스트, 하트비트, 메시지 검증, 백프레셔',
    },
  },
  {
    number: '08',
    title: { en: 'WebSocket client', ko: 'WebSocket 클라이언트' },
    summary: {
      en: 'Reconnect with backoff and jitter, rejoin rooms, an offline queue, typed handlers',
      ko: '백오프와 지터를 둔 재연결, 방 복귀, 오프라인 큐, 타입이 있는 핸들러',
    },
  },
  {
    number: '09',
    title: { en: 'Video progress', ko: '영상 처리 진행률' },
    summary: {
      en: 'ffmpeg progress, job state in Postgres, a durable Redis queue, live progress to the owner',
      ko: 'ffmpeg 진행률, Postgres의 작업 상태, 유실 없는 Redis 큐, 소유자에게만 가는 실시간 진행률',
    },
  },
  {
    number: '10',
    title: { en: 'Pub/sub scaling', ko: 'Pub/Sub 확장' },
    summary: {
      en: 'Several WebSocket servers joined by Redis, and a relay that loses nothing',
      ko: 'Redis로 묶은 여러 WebSocket 서버, 메시지를 잃지 않는 릴레이',
    },
  },
  {
    number: '11',
    title: { en: 'N+1 queries', ko: 'N+1 쿼리' },
    summary: {
      en: 'Count queries, fix them with include and batching, keep a query budget',
      ko: '쿼리 수 세기, include와 배칭으로 고치기, 쿼리 예산 지키기',
    },
  },
  {
    number: '12',
    title: { en: 'Leak fixes', ko: '메모리 누수 고치기' },
    summary: {
      en: 'Listeners, rooms, timers and subscriptions released on close, proven by a soak test',
      ko: '종료할 때 리스너, 방, 타이머, 구독을 해제하고 반복 접속 테스트로 확인하기',
    },
  },
];

/** docs/labs/<id>.md or docs/ko/labs/<id>.md */
export function lessonFile(id: string, lang: Lang, docsDir = DOCS_DIR): string {
  return path.join(docsDir, LOCALE_BASE[lang].slice(1), 'labs', `${id}.md`);
}

/** The lesson's URL without the locale base, as the sidebar links it (clean URL). */
export const lessonLink = (id: string, lang: Lang) => `${LOCALE_BASE[lang]}labs/${id}`;

export interface LabRow {
  number: string;
  title: string;
  summary: string;
  /** Null while the lesson page for this locale does not exist. */
  link: string | null;
  /** True while the lab is only planned (no labs/NN-topic/lab.json yet): the table says so. */
  planned: boolean;
}

export interface LabSources {
  labs: readonly LabMeta[];
  hasLesson(id: string, lang: Lang): boolean;
}

export const realSources = (root = ROOT): LabSources => ({
  labs: listLabs(root),
  hasLesson: (id, lang) => existsSync(lessonFile(id, lang, path.join(root, 'docs'))),
});

/** The home page's lab list: every planned lab, plus any lab that exists but was not planned. */
export function labRows(lang: Lang, sources: LabSources = realSources()): LabRow[] {
  const byNumber = new Map(sources.labs.map((lab) => [lab.id.slice(0, 2), lab]));
  const numbers = [...new Set([...PLANNED_LABS.map((p) => p.number), ...byNumber.keys()])].sort();
  return numbers.map((number) => {
    const planned = PLANNED_LABS.find((p) => p.number === number);
    const lab = byNumber.get(number);
    return {
      number,
      title: lab?.title[lang] ?? planned?.title[lang] ?? number,
      summary: planned?.summary[lang] ?? lab?.objectives[lang][0] ?? '',
      link: lab && sources.hasLesson(lab.id, lang) ? lessonLink(lab.id, lang) : null,
      planned: !lab,
    };
  });
}

/**
 * The labs part of the sidebar: one group per part, in course order, each with its `base`.
 * Lists only labs whose lesson page exists in this locale; a part with none is left out.
 */
export function sidebarLabs(lang: Lang, sources: LabSources = realSources()): DefaultTheme.SidebarItem[] {
  return PARTS.map(({ part, title }) => ({
    text: title[lang],
    base: `${LOCALE_BASE[lang]}labs/`,
    collapsed: false,
    items: sources.labs
      .filter((lab) => lab.part === part && sources.hasLesson(lab.id, lang))
      .map((lab) => ({ text: `${lab.id.slice(0, 2)} · ${lab.title[lang]}`, link: lab.id })),
  })).filter((group) => group.items.length > 0);
}

/** The guide pages, in reading order (docs/guide/<slug>.md and docs/ko/guide/<slug>.md). */
export const GUIDE_PAGES: ReadonlyArray<{ slug: string; title: Localized }> = [
  { slug: 'getting-started', title: { en: 'Getting started', ko: '시작하기' } },
  { slug: 'how-labs-work', title: { en: 'How a lab works', ko: '실습 진행 방식' } },
  { slug: 'commands', title: { en: 'Commands', ko: '명령어' } },
  { slug: 'services', title: { en: 'Services and troubleshooting', ko: '서비스와 문제 해결' } },
  { slug: 'the-system', title: { en: 'The finished system', ko: '완성된 시스템' } },
  { slug: 'glossary', title: { en: 'Glossary', ko: '용어집' } },
  { slug: 'instructors', title: { en: 'For instructors', ko: '강사용 안내' } },
  { slug: 'writing-labs', title: { en: 'Writing a lab', ko: '실습 만들기' } },
];

export function sidebarGuide(lang: Lang): DefaultTheme.SidebarItem[] {
  return [
    {
      text: lang === Lang.KO ? '안내' : 'Guide',
      base: `${LOCALE_BASE[lang]}guide/`,
      items: GUIDE_PAGES.map(({ slug, title }) => ({ text: title[lang], link: slug })),
    },
  ];
}
