/**
 * The server's log lines (S9): one line each, with a timestamp.
 *
 * @module
 */

/**
 * Writes a log line to standard output with an ISO timestamp (S9).
 *
 * @param line The line, without its timestamp.
 */
export function logLine(line: string): void {
  console.log(`${new Date().toISOString()} ${line}`);
}

/**
 * An error's name and message, for a log line.
 *
 * @param e What was thrown.
 * @returns `Name: message`, or the value as text.
 */
export function errorName(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}
