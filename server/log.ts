/**
 * The server's log lines (S9): one line each, with a timestamp.
 *
 * @module
 */

import { isoLocal } from "../common/time.ts";

/** Where the server's lines go: standard output, or the console's screen above its input line. */
let output: (line: string) => void = (line) => console.log(line);

/**
 * Sends every line printed afterwards (log, trace, console answers) through
 * `print`: the teacher's console keeps its half-typed line below them (C2,
 * issue 19.2).
 *
 * @param print Where lines go; standard output when not given.
 */
export function setOutput(print?: (line: string) => void): void {
  output = print ?? ((line) => console.log(line));
}

/**
 * Prints a line on the server's terminal, as {@linkcode setOutput} says.
 *
 * @param line The line, without its line ending.
 */
export function printLine(line: string): void {
  output(line);
}

/**
 * Writes a log line to standard output with an ISO-8601 timestamp in local
 * time with its offset, as the client shows local time (S9).
 *
 * @param line The line, without its timestamp.
 */
export function logLine(line: string): void {
  output(`${isoLocal()} ${line}`);
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
