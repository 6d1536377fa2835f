// Lab 11's failures.

export class QueryEventsDisabledError extends Error {
  readonly code = 'QUERY_EVENTS_DISABLED';
  constructor() {
    super(
      'This PrismaClient emits no query events, so its queries cannot be counted. ' +
        "Create it with createPrismaClient(url, { logQueries: true }) (log: [{ emit: 'event', level: 'query' }]).",
    );
    this.name = 'QueryEventsDisabledError';
  }
}
