/**
 * The server's log lines (S9): one line each, with a timestamp.
 *
 * @module
 */

import { isoLocal } from "../common/time.ts";

/**
 * Writes a log line to standard output with an ISO-8601 timestamp in local
 * time with its offset, as the client shows local time (S9).
 *
 * @param line The line, without its timestamp.
 */
export function logLine(line: string): void {
  console.log(`${isoLocal()} ${line}`);
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
