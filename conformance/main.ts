/**
 * papo-check, the conformance kit (C7): connects to chat servers that speak
 * the assignment's protocol and reports which requirements each meets.
 *
 * Usage: `deno task conformance -- [options] HOST:PORT [HOST:PORT ...]`, or
 * the compiled `papo-check`. It connects only to the addresses given.
 *
 * @module
 */

import { parseCommandLine, systemLang, UsageError } from "../common/cli.ts";
import { readCa } from "../common/tls.ts";
import { DEFAULT_TIMING, type Level, type Timing } from "./check.ts";
import { KIT_FLAGS, KIT_HELP } from "./flags.ts";
import {
  exitCode,
  formatJson,
  formatList,
  formatTable,
  KIT,
  type Lang,
  unreachableSentence,
} from "./report.ts";
import { runConformance, selectChecks, type Target } from "./run.ts";

export type { Target } from "./run.ts";
export type { Timing } from "./check.ts";

/** Where the kit writes. */
export interface Output {
  /** Standard output. */
  out(text: string): void;
  /** Standard error. */
  err(text: string): void;
}

const CONSOLE: Output = {
  out: (text) => console.log(text.replace(/\n$/, "")),
  err: (text) => console.error(text.replace(/\n$/, "")),
};

/**
 * Reads a server as given on the command line.
 *
 * @param text `HOST:PORT`, `PORT`, or `NAME=HOST:PORT`.
 * @returns The server.
 * @throws {UsageError} When it is none of these.
 *
 * @example
 * ```ts
 * import { parseTarget } from "./main.ts";
 * import { deepStrictEqual } from "node:assert/strict";
 * deepStrictEqual(parseTarget("ana=10.0.0.5:7777"), { label: "ana", host: "10.0.0.5", port: 7777 });
 * deepStrictEqual(parseTarget("7777"), { label: "127.0.0.1:7777", host: "127.0.0.1", port: 7777 });
 * ```
 */
export function parseTarget(text: string): Target {
  const eq = text.indexOf("=");
  const name = eq >= 0 ? text.slice(0, eq).trim() : "";
  const m = /^(?:([^:\s=]*):)?([0-9]{1,5})$/.exec(text.slice(eq + 1).trim());
  const port = Number(m?.[2]);
  if (!m || port < 1 || port > 65535) {
    throw new UsageError(
      `Cannot use "${text}" as a server: give HOST:PORT, such as 127.0.0.1:7777`,
    );
  }
  const host = m[1] || "127.0.0.1";
  return { label: name || `${host}:${port}`, host, port };
}

/** What the command line asks for. */
interface Request {
  readonly level: Level;
  readonly only: string[];
  readonly json: boolean;
  readonly lang: Lang;
  readonly timing: Timing;
  readonly targets: Target[];
}

function read(args: readonly string[]): Request | "help" | "version" {
  const { flags: f, rest: servers } = parseCommandLine([...args], KIT_FLAGS);
  if (f.help) return "help";
  if (f.version) return "version";
  const level = f.level ?? KIT_FLAGS.level.default;
  if (level !== "seed" && level !== "papo") {
    throw new UsageError(`Cannot use --level "${level}": give seed or papo`);
  }
  const lang = f.lang ?? systemLang();
  if (lang !== "pt" && lang !== "en") {
    throw new UsageError(`Cannot use --lang "${lang}": give pt or en`);
  }
  const seconds = Number(f.timeout ?? KIT_FLAGS.timeout.default);
  if (!(seconds > 0 && seconds <= 600)) {
    throw new UsageError(
      `Cannot use --timeout "${f.timeout}": give seconds, more than 0 and at most 600`,
    );
  }
  const timeoutMs = Math.round(seconds * 1000);
  const timing = {
    ...DEFAULT_TIMING,
    timeoutMs,
    waitMs: Math.min(DEFAULT_TIMING.waitMs, timeoutMs / 2),
  };
  const only = (f.only ?? []).flatMap((s) => s.split(","))
    .filter((s) => s.trim() !== "");
  try {
    selectChecks(level, only);
  } catch (e) {
    if (e instanceof RangeError) throw new UsageError(e.message);
    throw e;
  }
  if (servers.length === 0) throw new UsageError("Give at least one server, as HOST:PORT");
  const tls = f.ca !== undefined
    ? { caPath: f.ca, caCerts: [readCa(f.ca, "en")] }
    : f.tls === true
    ? {}
    : undefined;
  const targets = servers.map(parseTarget).map((t) => tls ? { ...t, tls } : t);
  return { level, only, json: f.json === true, lang, timing, targets };
}

/**
 * Runs the kit from the command line.
 *
 * @param args The arguments (a `--` among them, as `deno task` passes, is ignored).
 * @param output Where to write.
 * @param timing Overrides of how long to wait (for tests).
 * @returns The exit code: 0, 1 or 2.
 */
export async function main(
  args: readonly string[],
  output: Output = CONSOLE,
  timing: Partial<Timing> = {},
): Promise<number> {
  let request: Request | "help" | "version";
  try {
    request = read(args);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    output.err(`${e.message}\nSee --help.\n`);
    return 2;
  }
  if (request === "help") {
    output.out(KIT_HELP);
    return 0;
  }
  if (request === "version") {
    output.out(`${KIT}\n`);
    return 0;
  }
  const { level, only, json, lang, targets } = request;
  const reports = await runConformance(targets, {
    level,
    only,
    timing: { ...request.timing, ...timing },
  });
  const options = { level, lang, checks: selectChecks(level, only) };
  if (json) output.out(formatJson(reports, options));
  else if (reports.length === 1) output.out(formatList(reports[0]!, options));
  else output.out(formatTable(reports, options));
  for (const r of reports) {
    if (r.unreachable !== undefined && (json || reports.length > 1)) {
      output.err(`${unreachableSentence(r, lang)}\n`);
    }
  }
  return exitCode(reports);
}

if (import.meta.main) {
  Deno.exit(await main(Deno.args));
}
