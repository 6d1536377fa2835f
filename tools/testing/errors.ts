export class NoServicesError extends Error {
  readonly code = 'WORKBOOK_NO_SERVICES';
  constructor(reason: string) {
    super(
      [
        `The tests need PostgreSQL and Redis, and none were found (${reason}).`,
        'Fix it one of these ways:',
        '  1. Start Docker (or Podman): the tests start throwaway containers by themselves.',
        '  2. Run `docker compose up -d` in this folder, or start local servers, and set',
        '       DATABASE_URL=postgresql://postgres:postgres@127.0.0.1:5432/postgres',
        '       REDIS_URL=redis://127.0.0.1:6379',
        '  3. Install PostgreSQL 15+ and Redis 7+ locally on their default ports (5432, 6379,',
        '     user "postgres" with trust or password auth set in DATABASE_URL).',
        'Then run `npm run lab -- doctor` to check.',
      ].join('\n'),
    );
    this.name = 'NoServicesError';
  }
}

export class ServiceUnreachableError extends Error {
  readonly code = 'WORKBOOK_SERVICE_UNREACHABLE';
  constructor(
    readonly service: 'PostgreSQL' | 'Redis',
    readonly url: string,
    options?: ErrorOptions,
  ) {
    super(
      [
        `${service} at ${url} did not answer (${(options?.cause as Error | undefined)?.message || 'no reply'}).`,
        service === 'PostgreSQL'
          ? 'Start PostgreSQL (or `docker compose up -d`), or set DATABASE_URL to a server that runs.'
          : 'Start Redis (or `docker compose up -d`), or set REDIS_URL to a server that runs.',
        'Then run `npm run lab -- doctor` to check.',
      ].join('\n'),
      options,
    );
    this.name = 'ServiceUnreachableError';
  }
}
