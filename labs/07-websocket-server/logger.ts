// The server logs through this interface, injected by the caller, so a test can read every line.
// Log events and ids; never a token, a ticket, a full request URL or an Authorization header.

export interface Logger {
  info(event: string, fields?: Record<string, unknown>): void;
  warn(event: string, fields?: Record<string, unknown>): void;
}

/** The default: logs nothing. */
export const silentLogger: Logger = { info() {}, warn() {} };

/** One JSON line per event on stdout/stderr (what `npm start` uses). */
export const jsonLogger: Logger = {
  info: (event, fields) => console.log(JSON.stringify({ level: 'info', event, ...fields })),
  warn: (event, fields) => console.error(JSON.stringify({ level: 'warn', event, ...fields })),
};
