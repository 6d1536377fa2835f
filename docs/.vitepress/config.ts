// The workbook's site: English at /, Korean at /ko/. Sidebars are built from labs/*/lab.json
// (docs/.vitepress/labs.ts) and list only lessons that exist, so the build passes while lessons
// are being written. Dead links fail the build (VitePress's default: keep `ignoreDeadLinks` unset),
// and so does a `<<<` code import whose file or region is missing (snippet-check.ts), and solution
// code on a lab page outside a `::: details` block (fold-check.ts).
import { defineConfig, type DefaultTheme } from 'vitepress';
import { ROOT } from '../../tools/labs/meta.ts';
import { Lang, LOCALE_BASE, sidebarGuide, sidebarLabs } from './labs.ts';
import { foldCheck } from './fold-check.ts';
import { snippetCheck } from './snippet-check.ts';

const sidebar = (lang: Lang): DefaultTheme.SidebarItem[] => [...sidebarGuide(lang), ...sidebarLabs(lang)];

const nav = (lang: Lang): DefaultTheme.NavItem[] => {
  const base = LOCALE_BASE[lang];
  const ko = lang === Lang.KO;
  return [
    { text: ko ? '시작하기' : 'Get started', link: `${base}guide/getting-started`, activeMatch: `^${base}guide/` },
    { text: ko ? '실습 목록' : 'Labs', link: `${base}#labs`, activeMatch: `^${base}labs/` },
    { text: ko ? '명령어' : 'Commands', link: `${base}guide/commands` },
  ];
};

const koSearch: DefaultTheme.LocalSearchOptions['translations'] = {
  button: { buttonText: '검색', buttonAriaLabel: '검색' },
  modal: {
    displayDetails: '자세히 보기',
    resetButtonTitle: '검색어 지우기',
    backButtonTitle: '검색 닫기',
    noResultsText: '검색 결과가 없습니다',
    footer: { selectText: '선택', navigateText: '이동', closeText: '닫기' },
  },
};

export default defineConfig({
  title: 'Realtime Backend Workbook',
  cleanUrls: true,
  head: [['link', { rel: 'icon', type: 'image/svg+xml', href: '/logo.svg' }]],
  // Only pages: notes for contributors and Markdown partials are not pages.
  srcExclude: ['**/README.md', '**/_*.md'],
  markdown: {
    config: (md) => {
      snippetCheck(md, { root: ROOT });
      foldCheck(md, { root: ROOT });
    },
  },
  themeConfig: {
    logo: '/logo.svg',
    search: { provider: 'local', options: { locales: { ko: { translations: koSearch } } } },
  },
  locales: {
    root: {
      label: 'English',
      lang: 'en-US',
      description: 'Build the backend of a small video editor: PostgreSQL, Prisma, Redis and WebSockets in TypeScript.',
      themeConfig: {
        nav: nav(Lang.EN),
        sidebar: sidebar(Lang.EN),
        outline: { level: [2, 3], label: 'On this page' },
        docFooter: { prev: 'Previous', next: 'Next' },
      },
    },
    ko: {
      label: '한국어',
      lang: 'ko-KR',
      link: '/ko/',
      title: '실시간 백엔드 워크북',
      description: '작은 영상 편집기의 백엔드를 만들며 배우는 PostgreSQL, Prisma, Redis, WebSocket (TypeScript)',
      themeConfig: {
        nav: nav(Lang.KO),
        sidebar: sidebar(Lang.KO),
        outline: { level: [2, 3], label: '이 페이지에서' },
        docFooter: { prev: '이전', next: '다음' },
        darkModeSwitchLabel: '다크 모드',
        lightModeSwitchTitle: '라이트 모드로 전환',
        darkModeSwitchTitle: '다크 모드로 전환',
        sidebarMenuLabel: '메뉴',
        returnToTopLabel: '맨 위로',
        langMenuLabel: '언어 선택',
        skipToContentLabel: '본문으로 건너뛰기',
        notFound: {
          title: '페이지를 찾을 수 없습니다',
          quote: '주소가 바뀌었거나 아직 쓰이지 않은 페이지입니다.',
          linkLabel: '홈으로 가기',
          linkText: '홈으로',
        },
      },
    },
  },
});
