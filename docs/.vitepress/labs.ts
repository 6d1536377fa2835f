// What the site knows about the labs. Two sources, joined by lab number:
//   - the twelve labs DESIGN.md plans (tools/labs/planned.ts), for the home page's one-line summaries;
//   - labs/NN-topic/lab.json (tools/labs/meta.ts), the truth for a lab that exists.
// A lab is linked only where its lesson page exists in that locale, so the site builds while
// lessons are still being written and never shows a dead link.
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { DefaultTheme } from 'vitepress';
import { listLabs, Part, ROOT, type LabMeta } from '../../tools/labs/meta.ts';
import { PLANNED_LABS } from '../../tools/labs/planned.ts';

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
}

export interface LabSources {
  labs: readonly LabMeta[];
  hasLesson(id: string, lang: Lang): boolean;
}

export const realSources = (root = ROOT): LabSources => ({
  labs: listLabs(root),
  hasLesson: (id, lang) => existsSync(lessonFile(id, lang, path.join(root, 'docs'))),
});

/** The home page's lab list: every lab that exists, with the plan's summary (else its first objective). */
export function labRows(lang: Lang, sources: LabSources = realSources()): LabRow[] {
  return [...sources.labs]
    .sort((a, b) => a.id.localeCompare(b.id))
    .map((lab) => {
      const number = lab.id.slice(0, 2);
      const planned = PLANNED_LABS.find((p) => p.number === number);
      return {
        number,
        title: lab.title[lang],
        summary: planned?.summary[lang] ?? lab.objectives[lang][0] ?? '',
        link: sources.hasLesson(lab.id, lang) ? lessonLink(lab.id, lang) : null,
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
