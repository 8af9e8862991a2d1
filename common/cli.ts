/**
 * What the server's and the client's command lines share: flag parsing that
 * fails with a sentence instead of a stack trace, and prompts that appear only
 * in a terminal (S8, S14).
 *
 * @module
 */

import { parseArgs, type ParseArgsConfig } from "node:util";

/** A mistake in the command line; its message is shown as it is. */
export class UsageError extends Error {
  /** @param message What is wrong, naming the bad value. */
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** The options of {@linkcode parseFlags}: node:util's parseArgs option table. */
export type FlagSpec = NonNullable<ParseArgsConfig["options"]>;

/**
 * Parses command-line flags strictly: an unknown flag or a missing value
 * throws a {@linkcode UsageError} naming it.
 *
 * @param args The arguments, usually `Deno.args`.
 * @param options The flags, as for node:util's parseArgs.
 * @returns The values given, by flag name.
 * @throws {UsageError} When a flag is unknown, lacks its value or has extra arguments.
 */
export function parseFlags<T extends FlagSpec>(
  args: string[],
  options: T,
): Record<keyof T, string | boolean | undefined> {
  try {
    const { values } = parseArgs({
      args: joinDashValues(args, options),
      options,
      strict: true,
      allowPositionals: false,
    });
    return values as unknown as Record<keyof T, string | boolean | undefined>;
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    throw new UsageError(msg.replace(/\. To specify a positional argument.*$/s, ""));
  }
}

/**
 * `--port -1` written as `--port=-1`, so that a value starting with `-` is
 * judged by the flag's own check (a sentence naming it) instead of being
 * taken for another flag. A value that is a known flag stays a flag.
 */
function joinDashValues(args: string[], options: FlagSpec): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const next = args[i + 1];
    const name = arg.startsWith("--") ? arg.slice(2) : undefined;
    const known = (flag: string) => flag.startsWith("--") && Object.hasOwn(options, flag.slice(2));
    if (
      name !== undefined && options[name]?.type === "string" && next !== undefined &&
      next.startsWith("-") && next !== "--" && !known(next) && !/^-[A-Za-z]$/.test(next)
    ) {
      out.push(`${arg}=${next}`);
      i++;
    } else out.push(arg);
  }
  return out;
}

/**
 * Reads a whole number flag.
 *
 * @param value The flag's value, if given.
 * @param name The flag's name, for the error message.
 * @param fallback The value when the flag is not given.
 * @param min The smallest value allowed.
 * @returns The number.
 * @throws {UsageError} When the value is not a whole number of at least `min`.
 */
export function intFlag(
  value: string | boolean | undefined,
  name: string,
  fallback: number,
  min = 0,
): number {
  if (value === undefined) return fallback;
  const n = typeof value === "string" && /^[0-9]+$/.test(value.trim()) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < min) {
    throw new UsageError(`Cannot use --${name} "${value}": give a whole number of at least ${min}`);
  }
  return n;
}

/**
 * Whether standard input and output are both terminals, where prompts,
 * colours and an input line may be shown. Otherwise nothing is asked.
 */
export function interactive(): boolean {
  try {
    return Deno.stdin.isTerminal() && Deno.stdout.isTerminal();
  } catch {
    return false;
  }
}

/**
 * Asks a question in the terminal.
 *
 * @param question The question, shown with `[fallback]` when there is one.
 * @param fallback What a blank answer stands for (shown only).
 * @returns The answer typed (possibly blank), or `undefined` at end of input.
 */
export function ask(question: string, fallback?: string): string | undefined {
  const shown = fallback === undefined ? `${question}:` : `${question} [${fallback}]:`;
  const answer = prompt(shown);
  return answer ?? undefined;
}

/**
 * Calls `handler` on the signals that ask a program to stop: SIGINT and
 * SIGTERM (and SIGHUP with `hangup`), or SIGINT and SIGBREAK on Windows,
 * where SIGTERM does not exist.
 *
 * @param handler What to do.
 * @param hangup Whether a closed terminal (SIGHUP) stops the program too.
 * @returns A function that removes the listeners.
 */
export function onStopSignals(handler: () => void, hangup = false): () => void {
  const signals: Deno.Signal[] = Deno.build.os === "windows"
    ? ["SIGINT", "SIGBREAK"]
    : hangup
    ? ["SIGINT", "SIGTERM", "SIGHUP"]
    : ["SIGINT", "SIGTERM"];
  for (const sig of signals) Deno.addSignalListener(sig, handler);
  return () => {
    for (const sig of signals) Deno.removeSignalListener(sig, handler);
  };
}

/**
 * The lines of standard input, decoded as UTF-8, without their line endings
 * (LF or CRLF); a last line without one is given too.
 *
 * @returns The lines, until input ends.
 */
export async function* stdinLines(): AsyncGenerator<string> {
  let partial = "";
  for await (const chunk of Deno.stdin.readable.pipeThrough(new TextDecoderStream())) {
    const parts = (partial + chunk).split("\n");
    partial = parts.pop()!;
    for (const part of parts) yield part.replace(/\r$/, "");
  }
  if (partial !== "") yield partial.replace(/\r$/, "");
}
