/**
 * The kit's reports: a list for one server, a table with one row per server
 * and one column per check for a class, and JSON for machines.
 *
 * @module
 */

import config from "../deno.json" with { type: "json" };
import type { Level, Result, Status, Text } from "./check.ts";
import type { ServerReport } from "./run.ts";

/** A language of the reports. */
export type Lang = "pt" | "en";

/** What every report needs besides the results. */
export interface ReportOptions {
  /** The level run. */
  readonly level: Level;
  /** The checks run, in order (ids and titles). */
  readonly checks: readonly { readonly id: string; readonly title: Text }[];
  /** The language of the titles and labels. @default {"en"} */
  readonly lang?: Lang;
}

/** The kit's name and version, as `--version` prints it. */
export const KIT: string = `papo-check ${config.version}`;

const WORDS = {
  pt: {
    level: "nível",
    servers: "servidores",
    server: "servidor",
    expected: "esperado",
    seen: "visto",
    why: "motivo",
    unreachable: "inacessível",
    passed: "ok",
    summary: (ok: number, fail: number, skip: number, all: number) =>
      `${ok} ok, ${fail} falharam, ${skip} pulados (de ${all})`,
    failures: "Falhas",
    skips: "Pulados",
  },
  en: {
    level: "level",
    servers: "servers",
    server: "server",
    expected: "expected",
    seen: "seen",
    why: "why",
    unreachable: "unreachable",
    passed: "passed",
    summary: (ok: number, fail: number, skip: number, all: number) =>
      `${ok} passed, ${fail} failed, ${skip} skipped (of ${all})`,
    failures: "Failures",
    skips: "Skipped",
  },
} as const;

const SHOWN: Readonly<Record<Status, string>> = { ok: "ok", fail: "FAIL", skip: "skip" };

/**
 * Counts the results of one server.
 *
 * @param results The results.
 * @returns How many passed, failed and were skipped.
 */
export function count(results: readonly Result[]): { ok: number; fail: number; skip: number } {
  const n = (s: Status) => results.filter((r) => r.status === s).length;
  return { ok: n("ok"), fail: n("fail"), skip: n("skip") };
}

/**
 * The exit code of a run: 2 when a server could not be reached, 1 when a
 * check failed, 0 when every check passed (or was skipped).
 *
 * @param reports The reports.
 * @returns 0, 1 or 2.
 */
export function exitCode(reports: readonly ServerReport[]): 0 | 1 | 2 {
  if (reports.some((r) => r.unreachable !== undefined)) return 2;
  return reports.some((r) => r.results.some((x) => x.status === "fail")) ? 1 : 0;
}

/**
 * The sentence for a server that could not be reached.
 *
 * @param report The server's report.
 * @param lang The language.
 * @returns One sentence, saying what to verify.
 */
export function unreachableSentence(report: ServerReport, lang: Lang = "en"): string {
  const where = report.target.label;
  // A failed TLS handshake reached the server, and its reason says what to do (field test).
  if (report.unreachable?.startsWith("TLS: ")) {
    return lang === "pt"
      ? `Não foi possível conectar a ${where}: ${report.unreachable}.`
      : `Cannot connect to ${where}: ${report.unreachable}.`;
  }
  return lang === "pt"
    ? `Não foi possível conectar a ${where}: ${report.unreachable}. O servidor está rodando, nesse endereço e nessa porta?`
    : `Cannot connect to ${where}: ${report.unreachable}. Is the server running, at that address and port?`;
}

function header(options: ReportOptions, what: string): string {
  const w = WORDS[options.lang ?? "en"];
  return `${KIT}, ${w.level} ${options.level}: ${what}`;
}

/** A seen line's own words (not the server's) in the report's language (issue 19.5). */
function seenIn(line: string, lang: Lang): string {
  if (lang !== "pt") return line;
  return line.replace(/ < \(nothing\)$/, " < (nada)")
    .replace(/: \(the server closed the connection\)$/, ": (o servidor fechou a conexão)");
}

function details(r: Result, lang: Lang, indent: string): string[] {
  const w = WORDS[lang];
  const out: string[] = [];
  if (r.status === "fail") {
    const expected = lang === "pt" && r.expectedPt !== undefined ? r.expectedPt : r.expected;
    out.push(`${indent}${w.expected}: ${expected}`);
    for (const line of r.seen ?? []) out.push(`${indent}${w.seen}: ${seenIn(line, lang)}`);
  }
  if (r.status === "skip") out.push(`${indent}${w.why}: ${r.reason}`);
  return out;
}

/**
 * The list for one server: one line per check, what was expected and seen
 * under each failure, the reason under each skip, and the totals.
 *
 * @param report The server's report.
 * @param options Level, checks and language.
 * @returns The text, ending in a newline.
 */
export function formatList(report: ServerReport, options: ReportOptions): string {
  const lang = options.lang ?? "en";
  const lines = [header(options, report.target.label)];
  if (report.unreachable !== undefined) {
    return `${lines[0]}\n${unreachableSentence(report, lang)}\n`;
  }
  const width = Math.max(...report.results.map((r) => r.id.length));
  for (const r of report.results) {
    const note = r.note === undefined ? "" : ` (${r.note})`;
    lines.push(`${SHOWN[r.status].padEnd(4)}  ${r.id.padEnd(width)}  ${r.title[lang]}${note}`);
    lines.push(...details(r, lang, " ".repeat(width + 8)));
  }
  const { ok, fail, skip } = count(report.results);
  lines.push(WORDS[lang].summary(ok, fail, skip, report.results.length));
  return lines.join("\n") + "\n";
}

/**
 * The table for several servers: one row per server, one column per check
 * (`ok`, `FAIL`, `skip`) and the checks passed of those that could tell,
 * then what each check is, then every failure and skip with what was
 * expected and seen.
 *
 * @param reports The servers' reports.
 * @param options Level, checks and language.
 * @returns The text, ending in a newline.
 */
export function formatTable(reports: readonly ServerReport[], options: ReportOptions): string {
  const lang = options.lang ?? "en";
  const w = WORDS[lang];
  const ids = options.checks.map((c) => c.id);
  const nameWidth = Math.max(w.server.length, ...reports.map((r) => r.target.label.length));
  const widths = ids.map((id) => Math.max(id.length, 4));
  const row = (name: string, cells: string[], last: string) =>
    [name.padEnd(nameWidth), ...cells.map((c, i) => c.padEnd(widths[i]!)), last].join("  ")
      .trimEnd();
  const lines = [
    header(options, `${reports.length} ${w.servers}`),
    "",
    row(w.server, ids, w.passed),
  ];
  for (const r of reports) {
    if (r.unreachable !== undefined) {
      lines.push(`${r.target.label.padEnd(nameWidth)}  ${w.unreachable}: ${r.unreachable}`);
      continue;
    }
    const cells = ids.map((id) => {
      const found = r.results.find((x) => x.id === id);
      return found === undefined ? "-" : SHOWN[found.status];
    });
    const { ok, skip } = count(r.results);
    lines.push(row(r.target.label, cells, `${ok}/${r.results.length - skip}`));
  }
  lines.push("");
  const idWidth = Math.max(...ids.map((id) => id.length));
  for (const c of options.checks) lines.push(`${c.id.padEnd(idWidth)}  ${c.title[lang]}`);
  for (const [status, title] of [["fail", w.failures], ["skip", w.skips]] as const) {
    const found = reports.flatMap((r) =>
      r.results.filter((x) => x.status === status).map((x) => [r, x] as const)
    );
    if (found.length === 0) continue;
    lines.push("", `${title}:`);
    for (const [r, x] of found) {
      lines.push(`${r.target.label} ${x.id}`);
      lines.push(...details(x, lang, "  "));
    }
  }
  return lines.join("\n") + "\n";
}

/**
 * The JSON report: the kit, the level, the checks, and per server its
 * counts and every result.
 *
 * @param reports The servers' reports.
 * @param options Level and checks.
 * @returns Pretty-printed JSON, ending in a newline.
 */
export function formatJson(reports: readonly ServerReport[], options: ReportOptions): string {
  const servers = reports.map((r) => {
    const { ok, fail, skip } = count(r.results);
    return {
      server: r.target.label,
      host: r.target.host,
      port: r.target.port,
      reachable: r.unreachable === undefined,
      ...(r.unreachable === undefined ? {} : { unreachable: r.unreachable }),
      passed: ok,
      failed: fail,
      skipped: skip,
      results: r.results.map(({ title: _title, ...rest }) => rest),
    };
  });
  const doc = {
    kit: KIT,
    level: options.level,
    checks: options.checks.map(({ id, title }) => ({ id, title })),
    servers,
    exit: exitCode(reports),
  };
  return JSON.stringify(doc, null, 2) + "\n";
}
