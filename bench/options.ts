/**
 * The bench's command line: its flags, their defaults and `--help`.
 *
 * @module
 */

import { intFlag, parseFlags, UsageError } from "../common/cli.ts";
import { VERSION } from "../protocol.ts";
import type { Scenario, Target } from "./report.ts";

export { UsageError, VERSION };

/** One generator process per core the server does not use (connect uses at least 2). */
export function defaultWorkers(): number {
  return Math.max(1, Math.min(8, navigator.hardwareConcurrency - 1));
}

/**
 * The papo server the bench starts, before `--server-args`: every client
 * comes from 127.0.0.1, so the per-address cap on connections without a
 * nickname (issue 15) is off, as flood control is.
 */
export const PAPO_ARGS = [
  "--host",
  "127.0.0.1",
  "--port",
  "0",
  "--flood-burst",
  "0",
  "--max-pending-per-ip",
  "0",
];

export const HELP =
  `papo bench ${VERSION}: load scenarios against papo's server, a do-nothing ceiling server and ngIRCd

Usage: deno task bench [options]

Options:
  --scenario LIST   connect, idle, private, broadcast or all (connect, private and broadcast),
                    comma-separated (default all)
  --clients LIST    clients per run, comma-separated: connect and idle run once per value
                    (default 1000,5000,10000), broadcast too (default 200)
  --messages N      messages per private pair and per broadcast sender (default 4000 and 1500)
  --pairs N         private sender/receiver pairs (default 50)
  --senders N       broadcast senders (default 4)
  --window N        messages in flight per sender (default 16)
  --settle S        connect, idle: seconds of quiet before memory is read again (default 30:
                    V8 gives memory back to the system once its memory reducer has run)
  --target LIST     papo, ceiling, ngircd, both (papo,ceiling) or all, comma-separated (default
                    all; ngircd only when it is installed)
  --server-args="A B"
                    arguments added to the papo server's command line, split at spaces
                    (write it with "=", as the arguments start with "-"), e.g. --server-args=--trace
  --ngircd PATH     the ngIRCd to run (default: ngircd in PATH or /usr/sbin)
  --host ADDR       use the papo server at ADDR:PORT instead of starting one
  --port N          (with --host) its port
  --workers N       generator processes (default ${defaultWorkers()}; connect uses at least 2, and
                    enough for each to stay under the open-file limit)
  --concurrency N   clients connecting at once per generator (default 100)
  --timeout S       seconds each run may take before it is stopped (default 300)
  --profile DIR     write V8 CPU profiles of the servers and generators into DIR
  --quick           tiny sizes, for CI: a few seconds in all
  --json-only       print only the JSON lines, one per scenario and server
  -h, --help        show this help

The papo server started is: deno run --allow-net server.ts ${PAPO_ARGS.join(" ")}
--max-clients 20000 [--server-args] (a new one per run); ngIRCd gets its own configuration in a
temporary directory. Exit code 1 when a run lost lines or a server stopped answering.`;

const FLAGS = {
  scenario: { type: "string" },
  clients: { type: "string" },
  messages: { type: "string" },
  pairs: { type: "string" },
  senders: { type: "string" },
  window: { type: "string" },
  settle: { type: "string" },
  target: { type: "string" },
  "server-args": { type: "string" },
  ngircd: { type: "string" },
  host: { type: "string" },
  port: { type: "string" },
  workers: { type: "string" },
  concurrency: { type: "string" },
  timeout: { type: "string" },
  profile: { type: "string" },
  quick: { type: "boolean" },
  "json-only": { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

/** The bench's settings, from the flags. */
export interface BenchOptions {
  scenarios: Scenario[];
  /** Clients per connect and idle run. */
  connectSizes: number[];
  broadcastSizes: number[];
  senders: number;
  broadcastMessages: number;
  pairs: number;
  privateMessages: number;
  window: number;
  /** Connect and idle: milliseconds of quiet before memory is read the second time. */
  settleMs: number;
  external: { host: string; port: number } | undefined;
  /** In the order papo, ceiling, ngircd. */
  targets: Target[];
  /** Arguments added to the papo server's command line. */
  serverArgs: string[];
  /** The ngIRCd to run, when given. */
  ngircdPath: string | undefined;
  workers: number;
  concurrency: number;
  timeoutMs: number;
  jsonOnly: boolean;
  profileDir: string | undefined;
}

function list(value: string | boolean | undefined, name: string): number[] | undefined {
  if (value === undefined) return undefined;
  const parts = String(value).split(",").map((s) => s.trim()).filter((s) => s !== "");
  if (parts.length === 0) throw new UsageError(`Cannot use --${name} "${value}": give numbers`);
  return parts.map((p) => intFlag(p, name, 0, 1));
}

function words(value: string | boolean | undefined, fallback: string): string[] {
  return String(value ?? fallback).split(",").map((s) => s.trim().toLowerCase());
}

const TARGETS: Record<string, Target[]> = {
  papo: ["papo"],
  ceiling: ["ceiling"],
  ngircd: ["ngircd"],
  both: ["papo", "ceiling"],
  all: ["papo", "ceiling", "ngircd"],
};

function seconds(value: string | boolean | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const text = String(value).trim();
  if (!/^[0-9]+(\.[0-9]+)?$/.test(text)) {
    throw new UsageError(`Cannot use --${name} "${value}": give a number of seconds`);
  }
  return Number(text);
}

/**
 * Reads the command line.
 * @param args The arguments.
 * @returns The options, or "help".
 * @throws {UsageError} When a flag is unknown or its value is wrong.
 */
export function readOptions(args: string[]): BenchOptions | "help" {
  const f = parseFlags(args, FLAGS);
  if (f.help) return "help";
  const quick = f.quick === true;
  const scenarios: Scenario[] = [];
  for (const n of words(f.scenario, "all")) {
    if (n === "all") scenarios.push("connect", "private", "broadcast");
    else if (n === "connect" || n === "idle" || n === "private" || n === "broadcast") {
      scenarios.push(n);
    } else {
      throw new UsageError(
        `Cannot run scenario "${n}": choose connect, idle, private, broadcast or all`,
      );
    }
  }
  const chosen = new Set<Target>();
  for (const n of words(f.target, "all")) {
    const targets = TARGETS[n];
    if (targets === undefined) {
      throw new UsageError(
        `Cannot use --target "${n}": choose papo, ceiling, ngircd, both or all`,
      );
    }
    for (const t of targets) chosen.add(t);
  }
  const clients = list(f.clients, "clients");
  const messages = f.messages === undefined ? undefined : intFlag(f.messages, "messages", 0, 1);
  let external: BenchOptions["external"];
  if (f.host !== undefined || f.port !== undefined) {
    if (f.host === undefined || f.port === undefined) {
      throw new UsageError("Cannot use --host or --port alone: give both");
    }
    external = { host: String(f.host), port: intFlag(f.port, "port", 0, 1) };
  }
  const serverArgs = String(f["server-args"] ?? "").split(/\s+/).filter((a) => a !== "");
  if (external && serverArgs.length > 0) {
    throw new UsageError(
      "Cannot use --server-args with --host: the bench does not start that server",
    );
  }
  const senders = intFlag(f.senders, "senders", quick ? 2 : 4, 1);
  const broadcastSizes = clients ?? [quick ? 20 : 200];
  for (const n of broadcastSizes) {
    if (scenarios.includes("broadcast") && n < senders + 1) {
      throw new UsageError(
        `Cannot run broadcast with --clients ${n} and --senders ${senders}: give more clients than senders`,
      );
    }
  }
  return {
    scenarios: [...new Set(scenarios)],
    connectSizes: clients ?? (quick ? [50] : [1000, 5000, 10_000]),
    broadcastSizes,
    senders,
    broadcastMessages: messages ?? (quick ? 100 : 1500),
    pairs: intFlag(f.pairs, "pairs", quick ? 4 : 50, 1),
    privateMessages: messages ?? (quick ? 200 : 4000),
    window: intFlag(f.window, "window", quick ? 8 : 16, 1),
    settleMs: Math.round(seconds(f.settle, "settle", quick ? 0.5 : 30) * 1000),
    external,
    targets: (["papo", "ceiling", "ngircd"] as const).filter((t) => chosen.has(t)),
    serverArgs,
    ngircdPath: f.ngircd === undefined ? undefined : String(f.ngircd),
    workers: intFlag(f.workers, "workers", defaultWorkers(), 1),
    concurrency: intFlag(f.concurrency, "concurrency", 100, 1),
    timeoutMs: intFlag(f.timeout, "timeout", 300, 1) * 1000,
    jsonOnly: f["json-only"] === true,
    profileDir: f.profile === undefined ? undefined : String(f.profile),
  };
}
