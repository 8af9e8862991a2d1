/**
 * The bench's results: one row per scenario and server, printed as a table
 * and as one JSON line each, with the targets judged on papo's rows
 * and papo's figures divided by the ceiling's and by ngIRCd's.
 *
 * @module
 */

/** A scenario of the bench. */
export type Scenario = "connect" | "idle" | "private" | "broadcast";

/** The server a row measured. */
export type Target = "papo" | "ceiling" | "ngircd";

/** One scenario run against one server. */
export interface Row {
  readonly scenario: Scenario;
  /** Private, broadcast: the load shape (`--shape`). */
  readonly shape: "reply" | "delivery" | null;
  readonly target: Target;
  /** The sizes, in words. */
  readonly size: string;
  readonly clients: number;
  readonly pairs: number | null;
  readonly senders: number | null;
  readonly messages: number | null;
  readonly window: number | null;
  /** Private, broadcast: messages per sender of the untimed warm-up run before it (`--warmup`). */
  readonly warmup: number | null;
  /**
   * Private, broadcast: the warm-up run's p99 in ms, the cold start the row's
   * figures leave out (null with no warm-up).
   */
  readonly warmup_p99_ms: number | null;
  /** Generator processes, and cores shared by them and the server. */
  readonly workers: number;
  readonly cores: number;
  /** Whether every expected line came before the time limit. */
  readonly complete: boolean;
  readonly time_s: number;
  /** Clients/s (connect), messages/s (private), deliveries/s (broadcast). */
  readonly rate: number;
  readonly unit: string;
  /** Latency: registration (connect) or delivery (private, broadcast). */
  readonly p50_ms: number;
  readonly p99_ms: number;
  readonly max_ms: number;
  /** Lines expected, received, missing (lost) and beyond the expected (extra). */
  readonly expected: number;
  readonly received: number;
  readonly lost: number;
  readonly extra: number;
  /**
   * CPU used during the run, in cores (CPU seconds / seconds): by the server
   * (null when it is not the bench's), and by all generator processes.
   */
  readonly server_cpu: number | null;
  readonly generator_cpu: number;
  /** Private, broadcast: the server's CPU microseconds per message (private) or delivery. */
  readonly server_us_per_msg: number | null;
  /** Private, broadcast: messages delivered twice, and sequence numbers skipped (late or lost). */
  readonly duplicates: number;
  readonly disorder: number;
  /**
   * Server memory (VmRSS) in KiB: before the clients came, and after the
   * run (connect, idle: after `settle_s` seconds of quiet).
   */
  readonly rss_before_kib: number | null;
  readonly rss_after_kib: number | null;
  /**
   * Connect, idle: VmRSS once every client registered (connect: and every
   * join notice was read, so the join storm has drained), in KiB.
   */
  readonly rss_joined_kib: number | null;
  /** (joined - before) / clients, in KiB (private, broadcast: joined before the messages). */
  readonly rss_per_client_kib: number | null;
  /** Connect, idle: (after - before) / clients, in KiB: what an idle client costs. */
  readonly rss_settled_per_client_kib: number | null;
  /**
   * Private, broadcast (`--scenario web`): clients that came through the
   * web door, counted in `clients`; 0 for none.
   */
  readonly web_users: number;
  /** Connect, idle: the seconds of quiet before `rss_after_kib`. */
  readonly settle_s: number | null;
  /** Whether the server answered a new client after the run (register, `{users}`, `{quit}`). */
  readonly answered: boolean;
  readonly check_ms: number;
  /** The target for papo at these sizes: met, missed, or "-" (not judged). */
  goal: "met" | "missed" | "-";
  /** What went wrong or is worth knowing, in sentences. */
  readonly notes: readonly string[];
  /** papo's figures divided by the ceiling's, on papo's rows when both ran. */
  vs_ceiling?: Ratios;
  /** papo's figures divided by ngIRCd's, on papo's rows when both ran. */
  vs_ngircd?: Ratios;
  /** Web scenario: this run with WebSocket users divided by the same run without them. */
  vs_without_web?: WebRatios;
}

/** papo's figures divided by another server's. */
export interface Ratios {
  readonly time: number | null;
  readonly rate: number | null;
  readonly p50: number | null;
  readonly p99: number | null;
  readonly max: number | null;
  readonly rss_per_client: number | null;
  readonly rss_settled_per_client: number | null;
}

/** A run with WebSocket users divided by the same run without them. */
export interface WebRatios {
  readonly rate: number | null;
  readonly p99: number | null;
  readonly server_us_per_msg: number | null;
  readonly rss_per_client: number | null;
  /**
   * The server's memory growth once every client joined, with minus without,
   * divided by the WebSocket users who are not also in the run without them
   * (broadcast: all; private: those beyond the receivers), in KiB.
   */
  readonly kib_per_web_user: number | null;
}

/** The targets (issue 14), judged on papo's rows at the sizes. */
export const GOALS = {
  broadcast: { clients: 200, senders: 4, messages: 1500, window: 16, p99: 20 },
  /** papo's private rate at least this many times ngIRCd's, in the same bench run. */
  private: { pairs: 50, messages: 4000, window: 16, vsNgircd: 0.8 },
  /** Connect (and idle, memory only): settled KiB per client; time at 10,000 clients. */
  connect: { sizes: [1000, 5000, 10_000], seconds: 10, atClients: 10_000, kibPerClient: 16 },
} as const;

/**
 * Judges a papo row against the issue's targets, when it ran at their sizes.
 *
 * @param row The row.
 * @param ngircd ngIRCd's row at the same sizes, when it ran (the private target is relative).
 * @returns "met", "missed", or "-" when the sizes are not the targets' or there is nothing to
 *   compare with.
 */
export function judge(row: Row, ngircd?: Row): Row["goal"] {
  if (row.target !== "papo") return "-";
  const ok = row.complete && row.lost === 0 && row.answered;
  switch (row.scenario) {
    case "broadcast": {
      const g = GOALS.broadcast;
      if (
        row.clients !== g.clients || row.senders !== g.senders || row.messages !== g.messages ||
        row.window !== g.window
      ) return "-";
      return ok && row.p99_ms < g.p99 ? "met" : "missed";
    }
    case "private": {
      const g = GOALS.private;
      if (row.pairs !== g.pairs || row.messages !== g.messages || row.window !== g.window) {
        return "-";
      }
      if (ngircd === undefined || !ngircd.complete || ngircd.rate === 0) return "-";
      return ok && row.rate >= g.vsNgircd * ngircd.rate ? "met" : "missed";
    }
    case "connect":
    case "idle": {
      const g = GOALS.connect;
      if (!(g.sizes as readonly number[]).includes(row.clients)) return "-";
      const fast = row.scenario === "idle" || row.clients < g.atClients ||
        row.time_s < g.seconds;
      const kib = row.rss_settled_per_client_kib;
      const small = kib === null || kib <= g.kibPerClient;
      return ok && fast && small ? "met" : "missed";
    }
  }
}

/**
 * The ratios of papo's figures to another server's.
 *
 * @param papo papo's row.
 * @param other The other server's row at the same sizes.
 * @returns Each ratio, or null when a figure is missing or zero.
 */
export function ratios(papo: Row, other: Row): Ratios {
  const r = (a: number | null, b: number | null) =>
    a === null || b === null || b === 0 ? null : round(a / b, 3);
  return {
    time: r(papo.time_s, other.time_s),
    rate: r(papo.rate, other.rate),
    p50: r(papo.p50_ms, other.p50_ms),
    p99: r(papo.p99_ms, other.p99_ms),
    max: r(papo.max_ms, other.max_ms),
    rss_per_client: r(papo.rss_per_client_kib, other.rss_per_client_kib),
    rss_settled_per_client: r(papo.rss_settled_per_client_kib, other.rss_settled_per_client_kib),
  };
}

/** Rounds to `digits` decimals. */
export function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

const COLUMNS: readonly [string, number, "l" | "r"][] = [
  ["scenario", 9, "l"],
  ["size", 26, "l"],
  ["server", 8, "l"],
  ["time s", 7, "r"],
  ["rate/s", 11, "r"],
  ["p50 ms", 7, "r"],
  ["p99 ms", 7, "r"],
  ["max ms", 7, "r"],
  ["lost", 6, "r"],
  ["cpu srv/gen", 11, "r"],
  ["srv us/msg", 10, "r"],
  ["RSS MiB", 19, "r"],
  ["KiB/cl", 6, "r"],
  ["settled", 7, "r"],
  ["check", 5, "l"],
  ["goal", 6, "l"],
];

function cells(values: string[]): string {
  return values.map((v, i) => {
    const [, width, align] = COLUMNS[i]!;
    return align === "l" ? v.padEnd(width) : v.padStart(width);
  }).join("  ").trimEnd();
}

/** The table's header line and its rule. */
export function tableHeader(): string {
  const head = cells(COLUMNS.map(([name]) => name));
  return `${head}\n${"-".repeat(head.length)}`;
}

const int = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });

function ms(x: number): string {
  return x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2);
}

function mib(kib: number | null): string {
  return kib === null ? "-" : (kib / 1024).toFixed(1);
}

/**
 * One row of the table.
 * @param row The row.
 * @returns The line.
 */
export function tableRow(row: Row): string {
  const points = row.rss_joined_kib === null
    ? [row.rss_before_kib, row.rss_after_kib]
    : [row.rss_before_kib, row.rss_joined_kib, row.rss_after_kib];
  const rss = points.every((p) => p === null) ? "-" : points.map(mib).join(">");
  const kib = (x: number | null) => x === null ? "-" : x.toFixed(1);
  return cells([
    row.scenario,
    row.size,
    row.target,
    row.time_s.toFixed(2),
    int.format(row.rate),
    ms(row.p50_ms),
    ms(row.p99_ms),
    ms(row.max_ms),
    row.complete ? int.format(row.lost) : `${int.format(row.lost)}!`,
    `${row.server_cpu === null ? "-" : row.server_cpu.toFixed(2)}/${row.generator_cpu.toFixed(2)}`,
    row.server_us_per_msg === null ? "-" : row.server_us_per_msg.toFixed(2),
    rss,
    kib(row.rss_per_client_kib),
    kib(row.rss_settled_per_client_kib),
    row.answered ? "ok" : "NO",
    row.goal,
  ]);
}

/**
 * A ratio line under a scenario's rows: papo divided by the ceiling
 * (`/ceiling`) or by ngIRCd (`/ngircd`).
 * @param papo papo's row, with its ratios.
 * @param other Which ratios.
 * @returns The line, or `undefined` when papo's row has no such ratios.
 */
export function ratioRow(papo: Row, other: "ceiling" | "ngircd"): string | undefined {
  const v = other === "ceiling" ? papo.vs_ceiling : papo.vs_ngircd;
  if (v === undefined) return undefined;
  const x = (r: number | null | undefined) =>
    r === null || r === undefined ? "-" : `${r.toFixed(2)}x`;
  return cells([
    papo.scenario,
    papo.size,
    `/${other}`,
    x(v.time),
    x(v.rate),
    x(v.p50),
    x(v.p99),
    x(v.max),
    "",
    "",
    "",
    "",
    x(v.rss_per_client),
    x(v.rss_settled_per_client),
    "",
    "",
  ]);
}
