/**
 * The bench's command line: its flags, their defaults and `--help`.
 *
 * @module
 */

import { type Flag, intFlag, intOf, parseFlags, UsageError } from "../common/cli.ts";
import { flagsHelp } from "../common/flag_help.ts";
import { VERSION } from "../protocol.ts";
import type { Scenario, Target } from "./report.ts";

/**
 * The papo server the bench starts, before `--server-args`: every client
 * comes from 127.0.0.1, so the per-address caps (on connections without a
 * nickname, issue 15; on lines and joins, L10) are off, as flood control is.
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
  "--ip-flood-burst",
  "0",
  "--join-burst",
  "1000000",
];

/** The load shapes of the private and broadcast scenarios (`--shape`). */
export type Shape = "reply" | "delivery";

/**
 * Every flag of the bench, in the order `--help` lists them: the one place a
 * flag is written (parsing, help and defaults come from it).
 */
export const BENCH_FLAGS = {
  scenario: {
    type: "string",
    value: "LIST",
    help: "connect, idle, private, broadcast, web or all (connect, private and broadcast), " +
      "comma-separated; web: papo's broadcast and private without and then with " +
      "--web-users WebSocket users, and their ratios",
    default: "all",
  },
  shape: {
    type: "string",
    value: "LIST",
    help: "load shapes of private and broadcast, comma-separated: reply (a private sender's " +
      "window opened by its OK reply, short bodies) and delivery (every window opened by a " +
      "delivery, 64-byte bodies)",
    default: "reply,delivery",
  },
  clients: {
    type: "string",
    value: "LIST",
    help: "clients per run, comma-separated: connect and idle run once per value, broadcast too",
    defaultText: "connect, idle: 1000,5000,10000; broadcast: 200",
  },
  messages: {
    type: "string",
    value: "N",
    help: "messages per private pair and per broadcast sender",
    defaultText: "private 4000, broadcast 1500",
  },
  pairs: { type: "string", value: "N", help: "private sender/receiver pairs", default: 50, min: 1 },
  "web-users": {
    type: "string",
    value: "N",
    help: "web scenario: WebSocket users through papo's web door beside the TCP users " +
      "(broadcast: receivers; private: every receiver, the rest online and idle)",
    default: 1000,
    min: 1,
  },
  senders: { type: "string", value: "N", help: "broadcast senders", default: 4, min: 1 },
  window: {
    type: "string",
    value: "N",
    help: "messages in flight per sender",
    default: 16,
    min: 1,
  },
  warmup: {
    type: "string",
    value: "N",
    help: "private, broadcast: messages per sender sent first in the same shape on the same " +
      "server and clients, untimed (the run's p99 leaves out the cold start; its p99 is " +
      "warmup_p99_ms in JSON); 0 for none; --quick: 20",
    default: 3000,
  },
  settle: {
    type: "string",
    value: "S",
    help: "connect, idle: seconds of quiet before memory is read again (V8 gives memory back " +
      "to the system once its memory reducer has run)",
    default: 30,
  },
  target: {
    type: "string",
    value: "LIST",
    help: "papo, ceiling, ngircd, both (papo,ceiling) or all, comma-separated (ngircd only " +
      "when it is installed)",
    default: "all",
  },
  "server-args": {
    type: "string",
    value: '"A B"',
    help: "arguments added to the papo server's command line, split at spaces (write it with " +
      '"=": --server-args=--trace)',
  },
  ngircd: {
    type: "string",
    value: "PATH",
    help: "the ngIRCd to run",
    defaultText: "ngircd in PATH or /usr/sbin",
  },
  host: {
    type: "string",
    value: "ADDR",
    help: "use the papo server at ADDR:PORT instead of starting one",
  },
  port: { type: "string", value: "N", help: "(with --host) its port" },
  workers: {
    type: "string",
    value: "N",
    help: "generator processes (connect uses at least 2, and enough for each to stay under " +
      "the open-file limit)",
    default: 2,
    min: 1,
  },
  pin: {
    type: "boolean",
    help: "put each server on core 0 and the generators on the other cores (taskset; " +
      "ignored with a note where it is missing or there is one core)",
  },
  concurrency: {
    type: "string",
    value: "N",
    help: "clients connecting at once per generator",
    default: 100,
    min: 1,
  },
  timeout: {
    type: "string",
    value: "S",
    help: "seconds each run may take before it is stopped",
    default: 300,
    min: 1,
  },
  profile: {
    type: "string",
    value: "DIR",
    help: "write V8 CPU profiles of the servers and generators into DIR",
  },
  quick: { type: "boolean", help: "tiny sizes, for CI: a few seconds in all" },
  "json-only": { type: "boolean", help: "print only the JSON lines, one per scenario and server" },
  help: { type: "boolean", short: "h", help: "show this help" },
} as const satisfies Readonly<Record<string, Flag>>;

export const HELP =
  `papo bench ${VERSION}: load scenarios against papo's server, a do-nothing ceiling server and ngIRCd

Usage: deno task bench [options]

Options:
${flagsHelp(BENCH_FLAGS)}

The papo server started is: deno run --allow-net server.ts ${PAPO_ARGS.join(" ")}
--max-clients 20000 [--server-args] (a new one per run); ngIRCd gets its own configuration in a
temporary directory. Exit code 1 when a run lost lines, delivered one twice or out of order, or a
server stopped answering.`;

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
  /** Private, broadcast: messages per sender of the untimed warm-up run before each (0: none). */
  warmup: number;
  /** The web scenario (`--scenario web`): its WebSocket users, or 0 when it does not run. */
  webUsers: number;
  /** The load shapes private and broadcast run in, each once. */
  shapes: Shape[];
  /** Whether the server is pinned to one core and the generators to the others. */
  pin: boolean;
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
  const f = parseFlags(args, BENCH_FLAGS);
  if (f.help) return "help";
  const quick = f.quick === true;
  const scenarios: Scenario[] = [];
  let web = false;
  for (const n of words(f.scenario, BENCH_FLAGS.scenario.default)) {
    if (n === "all") scenarios.push("connect", "private", "broadcast");
    else if (n === "web") web = true;
    else if (n === "connect" || n === "idle" || n === "private" || n === "broadcast") {
      scenarios.push(n);
    } else {
      throw new UsageError(
        `Cannot run scenario "${n}": choose connect, idle, private, broadcast, web or all`,
      );
    }
  }
  const chosen = new Set<Target>();
  for (const n of words(f.target, BENCH_FLAGS.target.default)) {
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
  if (external && web) {
    throw new UsageError(
      "Cannot run scenario web with --host: the bench starts papo's server with --web itself",
    );
  }
  const int = (
    name:
      | "pairs"
      | "senders"
      | "window"
      | "workers"
      | "concurrency"
      | "timeout"
      | "web-users"
      | "warmup",
  ) => intOf(BENCH_FLAGS, f, name);
  const senders = quick && f.senders === undefined ? 2 : int("senders");
  const shapes: Shape[] = [];
  for (const n of words(f.shape, BENCH_FLAGS.shape.default)) {
    if (n !== "reply" && n !== "delivery") {
      throw new UsageError(
        `Cannot use --shape "${n}": choose reply, delivery or both, comma-separated`,
      );
    }
    shapes.push(n);
  }
  const broadcastSizes = clients ?? [quick ? 20 : 200];
  for (const n of broadcastSizes) {
    if ((web || scenarios.includes("broadcast")) && n < senders + 1) {
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
    pairs: quick && f.pairs === undefined ? 4 : int("pairs"),
    privateMessages: messages ?? (quick ? 200 : 4000),
    window: quick && f.window === undefined ? 8 : int("window"),
    warmup: quick && f.warmup === undefined ? 20 : int("warmup"),
    webUsers: web ? (quick && f["web-users"] === undefined ? 6 : int("web-users")) : 0,
    shapes: [...new Set(shapes)],
    pin: f.pin === true,
    settleMs: Math.round(
      seconds(f.settle, "settle", quick ? 0.5 : BENCH_FLAGS.settle.default) * 1000,
    ),
    external,
    targets: (["papo", "ceiling", "ngircd"] as const).filter((t) => chosen.has(t)),
    serverArgs,
    ngircdPath: f.ngircd === undefined ? undefined : String(f.ngircd),
    workers: int("workers"),
    concurrency: int("concurrency"),
    timeoutMs: int("timeout") * 1000,
    jsonOnly: f["json-only"] === true,
    profileDir: f.profile === undefined ? undefined : String(f.profile),
  };
}
