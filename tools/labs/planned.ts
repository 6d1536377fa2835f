// The twelve labs of the workbook as DESIGN.md plans them, with the one-line summary the docs'
// home page shows for each (every one of them exists: tools/labs/meta.test.ts checks it).

type Localized = Record<'en' | 'ko', string>;

export interface PlannedLab {
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
