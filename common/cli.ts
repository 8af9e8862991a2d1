/**
 * What the programs' command lines share: a flag table per program, read
 * with node:util's parseArgs and its inferred types, failing with a sentence
 * instead of a stack trace, and turned into `--help` and the docs' table; and
 * prompts that appear only in a terminal (S8, S14).
 *
 * @module
 */

import { parseArgs } from "node:util";
import type { Lang, Text } from "../protocol.ts";
import { LineSplitter } from "../wire/line_splitter.ts";

/** A mistake in the command line; its message is shown as it is. */
export class UsageError extends Error {
  /** @param message What is wrong, naming the bad value. */
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** How node:util's parseArgs reads one flag. */
export interface FlagOptions {
  /** A value follows the flag (`string`), or none (`boolean`). */
  readonly type: "string" | "boolean";
  /** The one-letter form, such as `h` for `-h`. */
  readonly short?: string;
  /** Whether it may be given more than once. */
  readonly multiple?: boolean;
}

/**
 * One flag of a program's flag table: how it is read, and what `--help` and
 * the docs say of it. The table is the one place a flag is written.
 */
export interface Flag extends FlagOptions {
  /** The value's name in the help and the docs (`N`, `ADDR`); none for a boolean. */
  readonly value?: string | Text;
  /** What it does, for `--help`: one line, in each language of the program. */
  readonly help: string | Text;
  /** What the docs say it does, in Markdown, when it says more than `help`. */
  readonly doc?: string;
  /** The value taken when the flag is not given. */
  readonly default?: number | string;
  /** What happens when it is not given, when that is no single value (Markdown). */
  readonly defaultText?: string | Text;
  /** A whole-number flag's smallest value. @default {0} */
  readonly min?: number;
}

/** `-h, --help` and `-V, --version`, the last flags of every program's table. */
export const HELP_FLAGS = {
  help: { type: "boolean", short: "h", help: { pt: "mostra esta ajuda", en: "show this help" } },
  version: {
    type: "boolean",
    short: "V",
    help: { pt: "mostra a versão", en: "show the version" },
  },
} as const satisfies Readonly<Record<string, Flag>>;

/** A program's flags by name, as node:util's parseArgs takes them. */
export type FlagTable = Readonly<Record<string, FlagOptions>>;

/** What parseArgs is given of one flag: its `type`, `short` and `multiple`. */
type ArgsOption<F extends FlagOptions> = F extends { readonly multiple: true }
  ? { type: F["type"]; multiple: true; short?: string }
  : { type: F["type"]; short?: string };

/** What parseArgs is given of a table. */
type ArgsOptions<T extends FlagTable> = { -readonly [K in keyof T]: ArgsOption<T[K]> };

/** The table as parseArgs takes it: the help and the defaults left out. */
function argsOptions<T extends FlagTable>(table: T): ArgsOptions<T> {
  const out: Record<string, { type: "string" | "boolean"; short?: string; multiple?: boolean }> =
    {};
  for (const [name, f] of Object.entries(table)) {
    out[name] = {
      type: f.type,
      ...(f.short === undefined ? {} : { short: f.short }),
      ...(f.multiple === undefined ? {} : { multiple: f.multiple }),
    };
  }
  return out as unknown as ArgsOptions<T>;
}

/** What {@linkcode parseFlags} returns: the values given, typed as node:util's parseArgs infers them. */
export type FlagValues<T extends FlagTable> = ReturnType<
  typeof parseArgs<
    { args: string[]; options: ArgsOptions<T>; strict: true; allowPositionals: false }
  >
>["values"];

/**
 * Parses command-line flags strictly: an unknown flag or a missing value
 * throws a {@linkcode UsageError} naming it.
 *
 * @param args The arguments, usually `Deno.args` (a first `--`, as `deno task` passes it, is dropped).
 * @param table The flags.
 * @returns The values given, by flag name, typed from the table.
 * @throws {UsageError} When a flag is unknown, lacks its value or has extra arguments.
 *
 * @example
 * ```ts
 * import { parseFlags } from "./cli.ts";
 * import assert from "node:assert/strict";
 * const table = { port: { type: "string" }, trace: { type: "boolean" } } as const;
 * const f = parseFlags(["--port", "-1", "--trace"], table);
 * assert.deepEqual({ ...f }, { port: "-1", trace: true });
 * ```
 */
export function parseFlags<const T extends FlagTable>(args: string[], table: T): FlagValues<T> {
  return parse(args, table, false).flags;
}

/**
 * Parses a command line of flags and other arguments (the kit's servers):
 * as {@linkcode parseFlags}, with the arguments that are no flags kept.
 *
 * @param args The arguments (a first `--`, as `deno task` passes it, is dropped).
 * @param table The flags.
 * @returns The values given, typed from the table, and the other arguments in order.
 * @throws {UsageError} When a flag is unknown or lacks its value.
 */
export function parseCommandLine<const T extends FlagTable>(
  args: string[],
  table: T,
): { flags: FlagValues<T>; rest: string[] } {
  return parse(args, table, true);
}

/** node:util's parseArgs, strict, its mistakes turned into a {@linkcode UsageError}. */
function parse<const T extends FlagTable>(
  args: string[],
  table: T,
  allowPositionals: boolean,
): { flags: FlagValues<T>; rest: string[] } {
  try {
    const { values, positionals } = parseArgs({
      args: joinDashValues(args[0] === "--" ? args.slice(1) : args, table),
      options: argsOptions(table),
      strict: true,
      allowPositionals,
    });
    return { flags: values, rest: positionals };
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
function joinDashValues(args: string[], table: FlagTable): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const next = args[i + 1];
    const name = arg.startsWith("--") ? arg.slice(2) : undefined;
    const known = (flag: string) => flag.startsWith("--") && Object.hasOwn(table, flag.slice(2));
    if (
      name !== undefined && table[name]?.type === "string" && next !== undefined &&
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
  value: string | undefined,
  name: string,
  fallback: number,
  min = 0,
): number {
  if (value === undefined) return fallback;
  const n = /^[0-9]+$/.test(value.trim()) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < min) {
    throw new UsageError(`Cannot use --${name} "${value}": give a whole number of at least ${min}`);
  }
  return n;
}

/** The names of a table's flags whose default is a number: its whole-number flags. */
export type NumberFlag<T> = {
  [K in keyof T]: T[K] extends { readonly default: number } ? K : never;
}[keyof T];

/**
 * Reads a whole-number flag of a table: its default and its smallest value come from the table.
 *
 * @param table The flags.
 * @param values What was given.
 * @param name The flag.
 * @returns The number given, or the default.
 * @throws {UsageError} When the value is not a whole number of at least the flag's `min`.
 *
 * @example
 * ```ts
 * import { intOf } from "./cli.ts";
 * import assert from "node:assert/strict";
 * const table = { history: { type: "string", help: "", default: 20, min: 0 } } as const;
 * assert.equal(intOf(table, {}, "history"), 20);
 * assert.equal(intOf(table, { history: "5" }, "history"), 5);
 * ```
 */
export function intOf<
  const T extends Readonly<Record<string, Flag>>,
  K extends NumberFlag<T> & string,
>(
  table: T,
  values: { readonly [N in keyof T]?: string | boolean | string[] | boolean[] | undefined },
  name: K,
): number {
  const flag = table[name]!;
  const given = values[name];
  if (given !== undefined && typeof given !== "string") {
    throw new TypeError(`--${name} takes a value`);
  }
  return intFlag(given, name, flag.default as number, flag.min ?? 0);
}

/**
 * The language of the system's locale: Portuguese when it is `pt*`, English
 * otherwise. Reads `navigator.language`, which needs no permission.
 *
 * @returns `"pt"` or `"en"`.
 */
export function systemLang(): Lang {
  let locale = "";
  try {
    locale = navigator.language || Intl.DateTimeFormat().resolvedOptions().locale;
  } catch {
    // no locale known
  }
  return locale.toLowerCase().startsWith("pt") ? "pt" : "en";
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
  const lines = new LineSplitter("lf");
  for await (const chunk of Deno.stdin.readable.pipeThrough(new TextDecoderStream())) {
    yield* lines.push(chunk);
  }
  yield* lines.end();
}
