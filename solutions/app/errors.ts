// One class per way an API request can fail. Each carries the HTTP status and a machine-readable
// `code`; the body is `{ "error": code, "message": message }`. Messages are fixed strings: they
// never quote a token, a password or a database error.
//
// Authentication failures reuse lab 07's HandshakeErrors (missing_credential, invalid_credential,
// expired_credential, auth_unavailable), so the API and the WebSocket handshake answer alike.

export const ApiErrorCode = {
  BAD_REQUEST: 'bad_request',
  BAD_JSON: 'bad_json',
  INVALID_BODY: 'invalid_body',
  INVALID_ID: 'invalid_id',
  INVALID_LOGIN: 'invalid_login',
  NOT_FOUND: 'not_found',
  JOB_NOT_FOUND: 'job_not_found',
  VIDEO_NOT_FOUND: 'video_not_found',
  METHOD_NOT_ALLOWED: 'method_not_allowed',
  JOB_BUSY: 'job_busy',
  JOB_FINISHED: 'job_finished',
  OUTPUT_NOT_READY: 'output_not_ready',
  INVALID_MEDIA: 'invalid_media',
  PROJECT_NOT_FOUND: 'project_not_found',
  PAYLOAD_TOO_LARGE: 'payload_too_large',
  REQUEST_TIMEOUT: 'request_timeout',
  HEADERS_TOO_LARGE: 'headers_too_large',
  UNSUPPORTED_MEDIA_TYPE: 'unsupported_media_type',
  TOO_MANY_LOGINS: 'too_many_logins',
  SHUTTING_DOWN: 'shutting_down',
  DATABASE_UNAVAILABLE: 'database_unavailable',
  LOGIN_UNAVAILABLE: 'login_unavailable',
  INTERNAL_ERROR: 'internal_error',
} as const;
export type ApiErrorCode = (typeof ApiErrorCode)[keyof typeof ApiErrorCode];

export abstract class ApiError extends Error {
  abstract readonly status: number;
  abstract readonly code: ApiErrorCode;
}

export class BadJsonError extends ApiError {
  readonly status = 400;
  readonly code = ApiErrorCode.BAD_JSON;
  constructor() {
    super('The request body is not valid JSON.');
    this.name = 'BadJsonError';
  }
}

/** The JSON parsed but does not have the expected shape; `detail` names the field (never its value). */
export class InvalidBodyError extends ApiError {
  readonly status = 400;
  readonly code = ApiErrorCode.INVALID_BODY;
  constructor(detail: string) {
    super(`Invalid request body: ${detail}`);
    this.name = 'InvalidBodyError';
  }
}

export class InvalidIdError extends ApiError {
  readonly status = 400;
  readonly code = ApiErrorCode.INVALID_ID;
  constructor() {
    super('The id in the path must be a positive integer.');
    this.name = 'InvalidIdError';
  }
}

/** Unknown email and wrong password get the same answer: a client cannot probe which emails exist. */
export class InvalidLoginError extends ApiError {
  readonly status = 401;
  readonly code = ApiErrorCode.INVALID_LOGIN;
  constructor() {
    super('Wrong email or password.');
    this.name = 'InvalidLoginError';
  }
}

export class RouteNotFoundError extends ApiError {
  readonly status = 404;
  readonly code = ApiErrorCode.NOT_FOUND;
  constructor() {
    super('No such route.');
    this.name = 'RouteNotFoundError';
  }
}

/** Also the answer for someone else's job: 404, not 403, so ids of other users' jobs leak nothing. */
export class JobNotFoundError extends ApiError {
  readonly status = 404;
  readonly code = ApiErrorCode.JOB_NOT_FOUND;
  constructor(readonly jobId: number) {
    super(`You have no job ${jobId}.`);
    this.name = 'JobNotFoundError';
  }
}

export class VideoNotFoundError extends ApiError {
  readonly status = 404;
  readonly code = ApiErrorCode.VIDEO_NOT_FOUND;
  constructor(readonly videoId: number) {
    super(`You have no video ${videoId}.`);
    this.name = 'VideoNotFoundError';
  }
}

export class MethodNotAllowedError extends ApiError {
  readonly status = 405;
  readonly code = ApiErrorCode.METHOD_NOT_ALLOWED;
  constructor(readonly allow: readonly string[]) {
    super(`Allowed methods: ${allow.join(', ')}.`);
    this.name = 'MethodNotAllowedError';
  }
}

export class JobBusyError extends ApiError {
  readonly status = 409;
  readonly code = ApiErrorCode.JOB_BUSY;
  constructor(readonly jobId: number) {
    super(`Job ${jobId} is already running.`);
    this.name = 'JobBusyError';
  }
}

/** Cancel of a job that already completed, failed or was cancelled: nothing to stop. */
export class JobFinishedError extends ApiError {
  readonly status = 409;
  readonly code = ApiErrorCode.JOB_FINISHED;
  constructor(
    readonly jobId: number,
    readonly jobStatus: string,
  ) {
    super(`Job ${jobId} is already ${jobStatus}.`);
    this.name = 'JobFinishedError';
  }
}

export class OutputNotReadyError extends ApiError {
  readonly status = 409;
  readonly code = ApiErrorCode.OUTPUT_NOT_READY;
  constructor(readonly jobId: number) {
    super(`Job ${jobId} has no output yet: it is not completed.`);
    this.name = 'OutputNotReadyError';
  }
}

export class ProjectNotFoundError extends ApiError {
  readonly status = 404;
  readonly code = ApiErrorCode.PROJECT_NOT_FOUND;
  constructor(readonly projectId: number) {
    super(`You have no project ${projectId}.`);
    this.name = 'ProjectNotFoundError';
  }
}

/** An upload that is not a usable video (lab 09's probe said why). The file is deleted. */
export class InvalidMediaUploadError extends ApiError {
  readonly status = 422;
  readonly code = ApiErrorCode.INVALID_MEDIA;
  constructor(reason: string, options?: ErrorOptions) {
    super(`The upload is not a usable video: ${reason}`, options);
    this.name = 'InvalidMediaUploadError';
  }
}

export class PayloadTooLargeError extends ApiError {
  readonly status = 413;
  readonly code = ApiErrorCode.PAYLOAD_TOO_LARGE;
  constructor(readonly limitBytes: number) {
    super(`The request body is larger than ${limitBytes} bytes.`);
    this.name = 'PayloadTooLargeError';
  }
}

export class UnsupportedMediaTypeError extends ApiError {
  readonly status = 415;
  readonly code = ApiErrorCode.UNSUPPORTED_MEDIA_TYPE;
  constructor(expected = 'application/json') {
    super(`Send the body as Content-Type: ${expected}.`);
    this.name = 'UnsupportedMediaTypeError';
  }
}

/**
 * Too many failed logins for this account or from this address in the window. The same answer
 * whether the email exists or not; the correct password gets it too until the window ends.
 */
export class TooManyLoginsError extends ApiError {
  readonly status = 429;
  readonly code = ApiErrorCode.TOO_MANY_LOGINS;
  constructor(readonly retryAfterSeconds: number) {
    super(`Too many failed logins. Try again in ${retryAfterSeconds} s.`);
    this.name = 'TooManyLoginsError';
  }
}

/** PostgreSQL refused the connection or did not answer within its deadline. Retry later. */
export class DatabaseUnavailableError extends ApiError {
  readonly status = 503;
  readonly code = ApiErrorCode.DATABASE_UNAVAILABLE;
  constructor(options?: ErrorOptions) {
    super('The database is not answering right now. Try again shortly.', options);
    this.name = 'DatabaseUnavailableError';
  }
}

/** The login throttle's counters (Redis) are out of reach: logins wait rather than go unthrottled. */
export class LoginUnavailableError extends ApiError {
  readonly status = 503;
  readonly code = ApiErrorCode.LOGIN_UNAVAILABLE;
  constructor(options?: ErrorOptions) {
    super('Logging in is not possible right now. Try again shortly.', options);
    this.name = 'LoginUnavailableError';
  }
}

export class ShuttingDownError extends ApiError {
  readonly status = 503;
  readonly code = ApiErrorCode.SHUTTING_DOWN;
  constructor() {
    super('The server is shutting down.');
    this.name = 'ShuttingDownError';
  }
}

/** Our bug. Logged by name; the client only learns that it happened. */
export class InternalError extends ApiError {
  readonly status = 500;
  readonly code = ApiErrorCode.INTERNAL_ERROR;
  constructor(options?: ErrorOptions) {
    super('Something went wrong on the server.', options);
    this.name = 'InternalError';
  }
}

/** The runner was closed (the app is shutting down) and starts nothing new. */
export class RunnerClosedError extends Error {
  readonly code = 'RUNNER_CLOSED';
  constructor() {
    super('The job runner is closed.');
    this.name = 'RunnerClosedError';
  }
}
