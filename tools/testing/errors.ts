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

/** Only one of DATABASE_URL and REDIS_URL is set: say which is missing, not "none were found". */
export class OneUrlSetError extends NoServicesError {
  constructor(set: 'DATABASE_URL' | 'REDIS_URL', missingExample: string) {
    super(`only ${set} is set`);
    const missing = set === 'DATABASE_URL' ? 'REDIS_URL' : 'DATABASE_URL';
    this.message = [
      `Only ${set} is set: the tests take DATABASE_URL and REDIS_URL together, or find both servers themselves.`,
      `Either set ${missing} too, e.g. ${missing}=${missingExample} for a local server on its default port,`,
      `or unset ${set} so the tests use Docker or the local servers on their default ports.`,
      'Then run `npm run lab -- doctor` to check.',
    ].join('\n');
    this.name = 'OneUrlSetError';
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
