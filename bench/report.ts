/**
 * The bench's results: one row per scenario and server, printed as a table
 * and as one JSON line each, with the targets judged on papo's rows.
 *
 * @module
 */

/** A scenario of the bench. */
export type Scenario = "connect" | "private" | "broadcast";

/** The server a row measured. */
export type Target = "papo" | "ceiling";

/** One scenario run against one server. */
export interface Row {
  readonly scenario: Scenario;
  readonly target: Target;
  /** The sizes, in words. */
  readonly size: string;
  readonly clients: number;
  readonly pairs: number | null;
  readonly senders: number | null;
  readonly messages: number | null;
  readonly window: number | null;
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
  /** Server memory (VmRSS) before the clients came and after the run, in KiB. */
  readonly rss_before_kib: number | null;
  readonly rss_after_kib: number | null;
  readonly rss_per_client_kib: number | null;
  /** Whether the server answered a new client after the run (register, `{users}`, `{quit}`). */
  readonly answered: boolean;
  readonly check_ms: number;
  /** The target for papo at these sizes: met, missed, or "-" (not judged). */
  readonly goal: "met" | "missed" | "-";
  /** What went wrong or is worth knowing, in sentences. */
  readonly notes: readonly string[];
  /** papo's figures divided by the ceiling's, on papo's rows when both ran. */
  vs_ceiling?: Ratios;
}

/** papo divided by ceiling. */
export interface Ratios {
  readonly time: number | null;
  readonly rate: number | null;
  readonly p50: number | null;
  readonly p99: number | null;
  readonly max: number | null;
  readonly rss_per_client: number | null;
}

/** The targets (issue 5), judged on papo's rows at the sizes. */
export const GOALS = {
  broadcast: { clients: 200, senders: 4, messages: 1500, window: 16, rate: 1_500_000, p99: 20 },
  private: { pairs: 50, messages: 4000, window: 16, rate: 500_000, p99: 10 },
  connect: { sizes: [1000, 5000, 10_000], seconds: 20, atClients: 10_000, kibPerClient: 8 },
} as const;

/**
 * Judges a papo row against the issue's targets, when it ran at their sizes.
 *
 * @param row The row without its goal.
 * @returns "met", "missed", or "-" when the sizes are not the targets'.
 */
export function judge(row: Omit<Row, "goal">): Row["goal"] {
  if (row.target !== "papo") return "-";
  const ok = row.complete && row.lost === 0 && row.answered;
  switch (row.scenario) {
    case "broadcast": {
      const g = GOALS.broadcast;
      if (
        row.clients !== g.clients || row.senders !== g.senders || row.messages !== g.messages ||
        row.window !== g.window
      ) return "-";
      return ok && row.rate >= g.rate && row.p99_ms < g.p99 ? "met" : "missed";
    }
    case "private": {
      const g = GOALS.private;
      if (row.pairs !== g.pairs || row.messages !== g.messages || row.window !== g.window) {
        return "-";
      }
      return ok && row.rate >= g.rate && row.p99_ms < g.p99 ? "met" : "missed";
    }
    case "connect": {
      const g = GOALS.connect;
      if (!(g.sizes as readonly number[]).includes(row.clients)) return "-";
      const fast = row.clients < g.atClients || row.time_s < g.seconds;
      const small = row.rss_per_client_kib === null || row.rss_per_client_kib < g.kibPerClient;
      return ok && fast && small ? "met" : "missed";
    }
  }
}

/**
 * The ratios of papo's figures to the ceiling's.
 *
 * @param papo papo's row.
 * @param ceiling The ceiling's row at the same sizes.
 * @returns Each ratio, or null when a figure is missing or zero.
 */
export function ratios(papo: Row, ceiling: Row): Ratios {
  const r = (a: number | null, b: number | null) =>
    a === null || b === null || b === 0 ? null : round(a / b, 3);
  return {
    time: r(papo.time_s, ceiling.time_s),
    rate: r(papo.rate, ceiling.rate),
    p50: r(papo.p50_ms, ceiling.p50_ms),
    p99: r(papo.p99_ms, ceiling.p99_ms),
    max: r(papo.max_ms, ceiling.max_ms),
    rss_per_client: r(papo.rss_per_client_kib, ceiling.rss_per_client_kib),
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
  ["server", 7, "l"],
  ["time s", 7, "r"],
  ["rate/s", 11, "r"],
  ["p50 ms", 7, "r"],
  ["p99 ms", 7, "r"],
  ["max ms", 7, "r"],
  ["lost", 6, "r"],
  ["cpu srv/gen", 11, "r"],
  ["RSS MiB", 13, "r"],
  ["KiB/cl", 6, "r"],
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
  const rss = row.rss_before_kib === null && row.rss_after_kib === null
    ? "-"
    : `${mib(row.rss_before_kib)}>${mib(row.rss_after_kib)}`;
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
    rss,
    row.rss_per_client_kib === null ? "-" : row.rss_per_client_kib.toFixed(1),
    row.answered ? "ok" : "NO",
    row.goal,
  ]);
}

/**
 * The ratio line under a scenario's two rows: papo divided by the ceiling.
 * @param papo papo's row, with its ratios.
 * @returns The line.
 */
export function ratioRow(papo: Row): string {
  const v = papo.vs_ceiling;
  const x = (r: number | null | undefined) =>
    r === null || r === undefined ? "-" : `${r.toFixed(2)}x`;
  return cells([
    papo.scenario,
    papo.size,
    "ratio",
    x(v?.time),
    x(v?.rate),
    x(v?.p50),
    x(v?.p99),
    x(v?.max),
    "",
    "",
    "",
    x(v?.rss_per_client),
    "",
    "",
  ]);
}
