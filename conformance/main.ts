/**
 * papo-check, the conformance kit (C7): connects to chat servers that speak
 * the assignment's protocol and reports which requirements each meets.
 *
 * Usage: `deno task conformance -- [options] HOST:PORT [HOST:PORT ...]`, or
 * the compiled `papo-check`. It connects only to the addresses given.
 *
 * @module
 */

import { parseFlags, UsageError } from "../common/cli.ts";
import { DEFAULT_TIMING, type Level, type Timing } from "./check.ts";
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

const FLAGS = {
  level: { type: "string" },
  only: { type: "string", multiple: true },
  json: { type: "boolean" },
  timeout: { type: "string" },
  lang: { type: "string" },
  help: { type: "boolean", short: "h" },
  version: { type: "boolean", short: "V" },
} as const;

const HELP = `${KIT}: checks chat servers against the assignment's protocol (CONTRACT.md C7)

Usage: deno task conformance -- [options] HOST:PORT [HOST:PORT ...]
       papo-check [options] HOST:PORT [HOST:PORT ...]

A server is HOST:PORT, PORT alone (127.0.0.1), or NAME=HOST:PORT to name it in the table.
One server: a list of checks. Several: one row per server, one column per check.

Options:
  --level seed|papo  seed: only what the assignment fixes, in any wording;
                     papo: PROTOCOL.md to the letter, limits included (default papo)
  --only ID          run only this check (S12.sent) or requirement (S12); repeat or
                     separate with commas for more
  --json             print JSON instead of text
  --timeout S        seconds each check may take (default ${DEFAULT_TIMING.timeoutMs / 1000})
  --lang pt|en       language of the report (default: the system's)
  -h, --help         show this help
  -V, --version      show the version

Exit code: 0 every check passed (or was skipped), 1 a check failed,
2 bad arguments or a server that cannot be reached.
`;

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

/** Splits the arguments into flags (with their values) and servers; drops `--`. */
function split(args: readonly string[]): { flags: string[]; servers: string[] } {
  const flags: string[] = [];
  const servers: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "--") continue;
    if (!arg.startsWith("-")) {
      servers.push(arg);
      continue;
    }
    flags.push(arg);
    const spec = (FLAGS as Record<string, { type: string }>)[arg.replace(/^--?/, "")];
    if (spec?.type === "string" && !arg.includes("=") && i + 1 < args.length) {
      flags.push(args[++i]!);
    }
  }
  return { flags, servers };
}

function systemLang(): Lang {
  try {
    return (navigator.language ?? "").toLowerCase().startsWith("pt") ? "pt" : "en";
  } catch {
    return "en";
  }
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
  const { flags: given, servers } = split(args);
  const f = parseFlags(given, FLAGS);
  if (f.help) return "help";
  if (f.version) return "version";
  const level = (f.level as string | undefined) ?? "papo";
  if (level !== "seed" && level !== "papo") {
    throw new UsageError(`Cannot use --level "${level}": give seed or papo`);
  }
  const lang = (f.lang as string | undefined) ?? systemLang();
  if (lang !== "pt" && lang !== "en") {
    throw new UsageError(`Cannot use --lang "${lang}": give pt or en`);
  }
  const seconds = Number(f.timeout ?? DEFAULT_TIMING.timeoutMs / 1000);
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
  const only = ((f.only as unknown as string[] | undefined) ?? []).flatMap((s) => s.split(","))
    .filter((s) => s.trim() !== "");
  try {
    selectChecks(level, only);
  } catch (e) {
    if (e instanceof RangeError) throw new UsageError(e.message);
    throw e;
  }
  if (servers.length === 0) throw new UsageError("Give at least one server, as HOST:PORT");
  return { level, only, json: f.json === true, lang, timing, targets: servers.map(parseTarget) };
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
    output.out(HELP);
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
