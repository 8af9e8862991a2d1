/**
 * `deno task bench`: papo's load benchmark (issues 5 and 14). It starts
 * papo's server (or uses one given with `--host`/`--port`), its own
 * do-nothing ceiling server and, when it is installed, ngIRCd; drives them
 * with clients spread over generator processes; and prints a table and one
 * JSON line per scenario and server.
 *
 * Scenarios (one module each):
 * - connect (`connect.ts`): N clients connect and register; timed until
 *   every client has seen every later join announced (`ENTROU`, IRC `JOIN`);
 *   server memory per client once the storm drained and after a quiet while.
 * - idle (`connect.ts`): the same without waiting for join notices.
 * - private (`private.ts`): P sender/receiver pairs, M private messages
 *   each, W in flight per sender; messages/s, latency.
 * - broadcast (`broadcast.ts`): N clients, S senders of M public messages
 *   each, W in flight per sender; deliveries/s (messages x receivers),
 *   latency.
 * - web (`web_runs.ts`, issue 23 item 3): papo's broadcast and private
 *   without, then with `--web-users` WebSocket users through its web door,
 *   and the ratios of the two.
 *
 * Run `deno task bench --help` for the flags.
 *
 * @module
 */

import { Bench } from "./bench.ts";
import { Executor } from "./execute.ts";
import { Fleet } from "./fleet.ts";
import { fmt } from "./measure.ts";
import { findNgircd, type Ngircd, NGIRCD_SETTINGS } from "./ngircd.ts";
import { type BenchOptions, HELP, PAPO_ARGS, readOptions, type Shape } from "./options.ts";
import { UsageError } from "../common/cli.ts";
import { VERSION } from "../protocol.ts";
import { openFileLimit, pinServers, profileInto } from "./launch.ts";
import {
  GOALS,
  judge,
  ratioRow,
  ratios,
  type Row,
  type Scenario,
  tableHeader,
  tableRow,
} from "./report.ts";
import { cores } from "./row.ts";
import { type Run, webRatioLine, webRatios, webRuns } from "./web_runs.ts";

/** The lines printed under the table: what each column means and where the anchors are. */
function legend(o: BenchOptions): string {
  const c = GOALS.connect;
  return [
    "",
    "time s: from the first connect (connect, idle) or first message sent to the last line expected.",
    "rate/s: clients registered per second (connect: with every join announced); private messages",
    "  delivered per second (papo, ceiling: each with its OK reply; ngircd has none); deliveries per",
    "  second, messages x receivers (broadcast).",
    "ratio rows: papo's figure divided by the ceiling's (/ceiling: near 1.00x, the generator or the",
    "  machine is the limit, not papo) and by ngIRCd's (/ngircd).",
    "p50/p99/max ms: registration time, connect to BEMVINDO (ngircd: to the 366 that ends the NAMES",
    "  reply to its JOIN; idle: to 001); send to delivery, from the timestamp in the message body",
    "  (private, broadcast).",
    "lost: lines expected that never came (connect: registrations and ENTROU/JOIN; private: PRIVADA",
    "  and OK, or PRIVMSG; broadcast: PUBLICA or PRIVMSG); '!' marks a run stopped before it completed.",
    "RSS MiB: the server's VmRSS before the clients came > once every client joined (connect: every",
    "  join notice read; private, broadcast: before the messages) > after the run (connect, idle:",
    `  after ${o.settleMs / 1000} s of quiet, --settle). KiB/cl: RSS growth per client once`,
    "  joined; settled: after the quiet.",
    "web (--scenario web): papo's broadcast and private without, then with --web-users WebSocket",
    "  users (size '+N ws'); the line under each pair divides the second run by the first.",
    "srv us/msg: the server's CPU microseconds per private message delivered, or per broadcast delivery.",
    "shape (private, broadcast; --shape): reply, a papo sender's window opened by each OK, short bodies;",
    "  delivery, every window opened by a delivery, 64-byte bodies. Every body carries its sender's id,",
    "  a sequence number and its send time: a message seen twice, or a sequence number skipped (late or lost), is",
    "  noted and makes the exit code 1.",
    o.warmup > 0
      ? `warm-up (private, broadcast): before each run, ${o.warmup} messages per sender in the same ` +
        "shape on the same server and\n  clients, untimed: the figures leave out the cold start " +
        "(its p99 is warmup_p99_ms in JSON; --warmup 0 runs cold)."
      : "warm-up: none (--warmup 0): private and broadcast are timed from a cold start.",
    "check: a new client registered and got answers ({users}, {quit}; LUSERS, QUIT) after the run.",
    "ngircd: at most 8 clients connect at once (its listen backlog is 10); no OK reply to a private",
    "  message, so each delivery opens the sender's window; it sets no TCP_NODELAY (Nagle).",
    `goal (issue 14, papo at the issue's sizes): broadcast p99 < ${GOALS.broadcast.p99} ms; private >= ` +
    `${GOALS.private.vsNgircd}x ngIRCd's rate`,
    `  in the same run; connect ${fmt(c.atClients)} in < ${c.seconds} s; connect and idle <= ` +
    `${c.kibPerClient} KiB per client settled.`,
    ...(o.external ? [`papo rows: the server at ${o.external.host}:${o.external.port}.`] : []),
  ].join("\n");
}

/**
 * The line under a private or broadcast group that keeps its cold start in
 * sight: each server's p99 in the untimed warm-up run (`--warmup`).
 */
function warmupLine(group: Row[]): string | undefined {
  const warm = group.filter((r) => r.warmup_p99_ms !== null);
  if (warm.length === 0) return undefined;
  const each = warm.map((r) => `${r.target} ${r.warmup_p99_ms!.toFixed(1)}`).join(", ");
  return `  warm-up, ${warm[0]!.warmup} messages per sender, untimed: p99 ms ${each}`;
}

/** The header's lines: the machine and each server's command. */
function header(o: BenchOptions, fdLimit: number, ngircd: Ngircd | undefined): string[] {
  const papo = o.external
    ? `papo: the server at ${o.external.host}:${o.external.port}`
    : `papo: deno run --allow-net server.ts ${PAPO_ARGS.join(" ")} --max-clients 20000` +
      (o.serverArgs.length > 0 ? ` ${o.serverArgs.join(" ")}` : "") + " (a new server per run)";
  return [
    `papo bench ${VERSION} on Deno ${Deno.version.deno}: ${cores} cores ` +
    `(navigator.hardwareConcurrency) shared by the servers under test and ` +
    `${o.workers} generator process(es) (connect: at least 2); open files per process: ${
      Number.isFinite(fdLimit) ? fmt(fdLimit) : "unlimited"
    }`,
    papo,
    ...(o.targets.includes("ceiling") ? ["ceiling: bench/ceiling_server.ts"] : []),
    ...(ngircd ? [`ngircd: ${ngircd.path} (${ngircd.version}): ${NGIRCD_SETTINGS}`] : []),
  ];
}

/**
 * Runs the bench from the command line.
 * @param args The arguments.
 * @returns The exit code: 0, 1 when a run lost lines or a server stopped answering, 2 on bad flags.
 */
export async function main(args: string[]): Promise<number> {
  let opts: BenchOptions | "help";
  try {
    opts = readOptions(args);
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(`${e.message}\nSee --help.`);
      return 2;
    }
    throw e;
  }
  if (opts === "help") {
    console.log(HELP);
    return 0;
  }
  if (opts.profileDir !== undefined) {
    const dir = opts.profileDir;
    profileInto(dir.startsWith("/") ? dir : `${Deno.cwd()}/${dir}`);
  }
  let ngircd: Ngircd | undefined;
  if (opts.targets.includes("ngircd")) {
    ngircd = await findNgircd(opts.ngircdPath);
    if (ngircd === undefined) {
      const where = opts.ngircdPath ?? "ngircd in PATH or /usr/sbin";
      console.error(
        `ngircd: not found (${where}; apt-get install ngircd): running without it`,
      );
      opts.targets = opts.targets.filter((t) => t !== "ngircd");
    }
  }
  const fdLimit = await openFileLimit();
  const pinNote = opts.pin ? await pinServers() : undefined;
  const fleet = new Fleet(opts, ngircd);
  const bench = new Bench(new Executor(opts, fdLimit), fleet, fdLimit);
  const onSignal = () => {
    void fleet.kill().finally(() => Deno.exit(130));
  };
  Deno.addSignalListener("SIGINT", onSignal);
  Deno.addSignalListener("SIGTERM", onSignal);
  const rows: Row[] = [];
  try {
    await fleet.generators(opts.workers);
    if (!opts.jsonOnly) {
      for (const line of header(opts, fdLimit, ngircd)) console.log(line);
      if (opts.pin) {
        console.log(
          pinNote ?? "pinned: each server on core 0, the generators on the others (taskset)",
        );
      }
      console.log();
      console.log(tableHeader());
    }
    const runs: Run[] = [];
    const add = (scenario: Scenario, clients: number, shape: Shape) =>
      runs.push({ scenario, clients, shape, web: null });
    for (const s of opts.scenarios) {
      for (const shape of opts.shapes) {
        if (s === "private") add(s, 2 * opts.pairs, shape);
        else if (s === "broadcast") {
          for (const n of opts.broadcastSizes) add(s, n, shape);
        }
      }
      if (s === "connect" || s === "idle") {
        for (const n of opts.connectSizes) add(s, n, "reply");
      }
    }
    // The web scenario: papo only (the other servers have no web door).
    if (opts.targets.includes("papo")) runs.push(...webRuns(opts));
    else if (opts.webUsers > 0) console.error("web: runs against papo only; not run");
    let withoutWeb: Row | undefined;
    for (const { scenario, clients, shape, web } of runs) {
      const group: Row[] = [];
      for (const target of web === null ? opts.targets : ["papo" as const]) {
        group.push(await bench.run(scenario, target, clients, shape, web ?? 0, web !== null));
      }
      const webNote = web === null ? undefined : group[0]!;
      if (web === 0) withoutWeb = webNote;
      else if (webNote !== undefined && withoutWeb !== undefined) {
        webNote.vs_without_web = webRatios(withoutWeb, webNote);
      }
      const papo = group.find((r) => r.target === "papo");
      const ceiling = group.find((r) => r.target === "ceiling");
      const irc = group.find((r) => r.target === "ngircd");
      if (papo) {
        if (ceiling) papo.vs_ceiling = ratios(papo, ceiling);
        if (irc) papo.vs_ngircd = ratios(papo, irc);
        papo.goal = judge(papo, irc);
      }
      for (const row of group) {
        rows.push(row);
        if (opts.jsonOnly) console.log(JSON.stringify(row));
        else {
          console.log(tableRow(row));
          for (const note of row.notes) console.log(`  ${row.target}: ${note}`);
        }
      }
      if (!opts.jsonOnly && webNote?.vs_without_web !== undefined) {
        console.log(webRatioLine(webNote, webNote.vs_without_web));
      }
      const cold = warmupLine(group);
      if (!opts.jsonOnly && cold !== undefined) console.log(cold);
      if (!opts.jsonOnly && papo) {
        for (const other of ["ceiling", "ngircd"] as const) {
          const line = ratioRow(papo, other);
          if (line !== undefined) console.log(line);
        }
      }
    }
    if (!opts.jsonOnly) {
      console.log(legend(opts));
      console.log();
      for (const row of rows) console.log(JSON.stringify(row));
    }
  } finally {
    Deno.removeSignalListener("SIGINT", onSignal);
    Deno.removeSignalListener("SIGTERM", onSignal);
    await fleet.exit();
  }
  const bad = rows.some((r) =>
    !r.complete || r.lost > 0 || r.duplicates > 0 || r.disorder > 0 || !r.answered
  );
  return bad ? 1 : 0;
}

if (import.meta.main) {
  Deno.exit(await main(Deno.args));
}
