/**
 * Runs the checks of a level against servers: the servers at once, the
 * checks of one server one after the other, each check bounded by its
 * timeout and always closing what it opened.
 *
 * @module
 */

import {
  type Check,
  CheckFailure,
  CheckSkip,
  Context,
  DEFAULT_TIMING,
  type Level,
  type Result,
  type Timing,
} from "./check.ts";
import { PAPO_CHECKS, PAPO_VANISH } from "./checks_papo.ts";
import { SEED_CHECKS } from "./checks_seed.ts";
import { LIMIT_CHECKS } from "./checks_limits.ts";
import { WIRE_CHECKS } from "./checks_wire.ts";
import { type Endpoint, UnreachableError } from "./connect.ts";
import { ConnectionLostError } from "./client_conn.ts";
import { Probe } from "./probe.ts";

/** The checks of each level, in the order they run. */
export const CHECKS: Readonly<Record<Level, readonly Check[]>> = {
  seed: SEED_CHECKS,
  papo: [...PAPO_CHECKS, ...LIMIT_CHECKS, ...WIRE_CHECKS, PAPO_VANISH],
};

/** A server to check, as given on the command line. */
export interface Target extends Endpoint {
  /** How reports name it: `HOST:PORT`, or the name given as `NAME=HOST:PORT`. */
  readonly label: string;
}

/** What the checks found on one server. */
export interface ServerReport {
  /** The server. */
  readonly target: Target;
  /** Why it could not be reached, when it could not; then there are no results. */
  readonly unreachable?: string;
  /** One result per check run, in order. */
  readonly results: readonly Result[];
}

/** Options of {@linkcode runConformance}. */
export interface RunOptions {
  /** Which checks. @default {"seed"} */
  level?: Level;
  /** Only the checks with these ids (`S12` selects every `S12.*`). @default {every check} */
  only?: readonly string[];
  /** How long to wait. @default {DEFAULT_TIMING} */
  timing?: Partial<Timing>;
}

/**
 * The checks of a level that `only` selects: an id (`S12.sent`) or the
 * requirement before its dot (`S12`, every S12 check).
 *
 * @param level The level.
 * @param only The ids; every check when empty or not given.
 * @returns The checks, in their order.
 * @throws {RangeError} When an id names no check of the level.
 *
 * @example
 * ```ts
 * import { selectChecks } from "./run.ts";
 * import { deepStrictEqual } from "node:assert/strict";
 * deepStrictEqual(selectChecks("seed", ["S10"]).map((c) => c.id), ["S10.taken", "S10.list"]);
 * ```
 */
export function selectChecks(level: Level, only: readonly string[] = []): Check[] {
  const all = CHECKS[level];
  if (only.length === 0) return [...all];
  const wanted = only.map((id) => id.trim().toUpperCase());
  for (const id of wanted) {
    if (!all.some((c) => matches(c.id, id))) {
      throw new RangeError(
        `Cannot find check "${id}" at level ${level}: the checks are ${
          all.map((c) => c.id).join(", ")
        }`,
      );
    }
  }
  return all.filter((c) => wanted.some((id) => matches(c.id, id)));
}

function matches(checkId: string, wanted: string): boolean {
  const id = checkId.toUpperCase();
  return id === wanted || id.startsWith(`${wanted}.`);
}

/**
 * Runs one check against a server; never throws.
 *
 * @param check The check.
 * @param endpoint The server.
 * @param timing How long to wait.
 * @returns The result.
 */
export async function runCheck(check: Check, endpoint: Endpoint, timing: Timing): Promise<Result> {
  const ctx = new Context(endpoint, timing);
  const started = performance.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const running = check.run(ctx);
  const late = new Promise<"late">((resolve) => {
    timer = setTimeout(() => resolve("late"), timing.timeoutMs + 1000);
  });
  let verdict: Omit<Result, "id" | "title" | "ms">;
  try {
    const outcome = await Promise.race([running, late]);
    verdict = outcome === "late"
      ? { status: "fail", expected: `a verdict within ${timing.timeoutMs / 1000} s`, seen: [] }
      : { status: "ok", ...(ctx.notes.length > 0 ? { note: ctx.notes.join("; ") } : {}) };
  } catch (e) {
    verdict = judge(e);
  } finally {
    clearTimeout(timer);
    await ctx.cleanup();
    // Its connections are closed: whatever it still awaited ends now.
    await running.catch(() => {});
  }
  return {
    id: check.id,
    title: check.title,
    ...verdict,
    ms: Math.round(performance.now() - started),
  };
}

function judge(e: unknown): Omit<Result, "id" | "title" | "ms"> {
  if (e instanceof CheckFailure) {
    const pt = e.expectedPt === undefined ? {} : { expectedPt: e.expectedPt };
    return { status: "fail", expected: e.expected, ...pt, seen: e.seen };
  }
  if (e instanceof CheckSkip) return { status: "skip", reason: e.message };
  if (e instanceof ConnectionLostError) {
    return { status: "fail", expected: "the connection to stay open", seen: [e.message] };
  }
  return {
    status: "fail",
    expected: "the check to run",
    seen: [`kit error: ${e instanceof Error ? e.message : e}`],
  };
}

/**
 * Whether a server accepts connections. The connection is then ended
 * politely (end of input, and a moment for the server to close it).
 *
 * @param endpoint The server.
 * @param ms How long to wait.
 * @returns `undefined` when it does, or why not (`connection refused`).
 */
export async function reach(endpoint: Endpoint, ms: number): Promise<string | undefined> {
  try {
    const probe = await Probe.open(endpoint, { deadline: performance.now() + ms, connectMs: ms });
    await probe.leave(300);
    return undefined;
  } catch (e) {
    if (e instanceof UnreachableError) return e.message;
    throw e;
  }
}

/**
 * Runs the checks of a level against each server: all servers at once, the
 * checks of one server in order.
 *
 * @param targets The servers.
 * @param options Level, selection and timing.
 * @returns One report per server, in the order given.
 * @throws {RangeError} When `only` names no check of the level.
 */
export function runConformance(
  targets: readonly Target[],
  options: RunOptions = {},
): Promise<ServerReport[]> {
  const checks = selectChecks(options.level ?? "seed", options.only);
  const timing: Timing = { ...DEFAULT_TIMING, ...options.timing };
  return Promise.all(targets.map(async (target): Promise<ServerReport> => {
    const unreachable = await reach(target, Math.min(3000, timing.timeoutMs));
    if (unreachable !== undefined) return { target, unreachable, results: [] };
    const results: Result[] = [];
    for (const check of checks) results.push(await runCheck(check, target, timing));
    return { target, results };
  }));
}
