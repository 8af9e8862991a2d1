/**
 * The runtime base (denort) that `deno compile` copies into every binary:
 * where it comes from (dl.deno.land, or `DENORT_BIN`), the probe that says
 * whether it can be had here, and the one sentence shown when it cannot
 * (instead of a stack trace). `compile.ts` builds with it.
 *
 * @module
 */

import { join } from "node:path";

/** How long the probe's trial compile may take, in milliseconds. */
export const PROBE_TIMEOUT_MS = 10_000;

/** Where `deno compile` fetches its runtime base for `target`. */
function denortUrl(target: string): string {
  return `https://dl.deno.land/release/v${Deno.version.deno}/denort-${target}.zip`;
}

/** A build that cannot run here; its message is one sentence saying what to do. */
export class CannotBuildError extends Error {
  /**
   * The error for a build that cannot run here.
   * @param message What is wrong and what to do, as one sentence.
   */
  constructor(message: string) {
    super(message);
    this.name = "CannotBuildError";
  }
}

/**
 * The sentence shown when `deno compile` cannot get its runtime base.
 *
 * @param target The platform being built.
 * @param all Whether every platform is being built (DENORT_BIN cannot serve them).
 * @returns What happened and what to do.
 */
export function cannotDownloadSentence(target: string, all: boolean): string {
  const where = `Cannot build: deno compile could not download its runtime base ${
    denortUrl(target)
  }`;
  if (all) {
    return `${where}; run deno task compile:all on a machine that can reach dl.deno.land ` +
      `(DENORT_BIN serves only deno task compile, for this platform)`;
  }
  return `${where}; run deno task compile on a machine that can reach dl.deno.land, ` +
    `or set DENORT_BIN to the path of a denort ${Deno.version.deno} binary for ${target} ` +
    `(unzipped from that file)`;
}

/**
 * Reads `deno compile`'s error output and, when it failed for want of its
 * runtime base, returns the sentence to show instead.
 *
 * @param stderr What `deno compile` printed on standard error.
 * @param target The platform being built.
 * @param all Whether every platform is being built.
 * @returns The sentence, or `undefined` when the failure is something else.
 *
 * @example
 * ```ts
 * import { explainFailure } from "./denort.ts";
 * import { deepStrictEqual as assertEquals, ok as assert } from "node:assert/strict";
 *
 * const offline = "error: Writing deno compile executable to temporary file 'x'\n" +
 *   "Caused by:\n    0: Setting up base binary.\n    1: error sending request for url " +
 *   "(https://dl.deno.land/release/v2.9.6/denort-x86_64-unknown-linux-gnu.zip): dns error";
 * assert(explainFailure(offline, "x86_64-unknown-linux-gnu", false)?.includes("DENORT_BIN"));
 * assertEquals(explainFailure("error: TS2322 [ERROR]: Type 'string'", "x", false), undefined);
 * ```
 */
export function explainFailure(stderr: string, target: string, all: boolean): string | undefined {
  const missing = stderr.match(/Could not find denort at '([^']*)'/);
  if (missing) {
    return `Cannot build: DENORT_BIN is set to "${missing[1]}", which does not exist; ` +
      `point it at a denort ${Deno.version.deno} binary for ${target}, or unset it where dl.deno.land is reachable`;
  }
  if (/Setting up base binary|denort-[a-z0-9_-]+\.zip|dl\.deno\.land/.test(stderr)) {
    return cannotDownloadSentence(target, all);
  }
  return undefined;
}

/**
 * Whether `deno compile` can get its runtime base here: compiles a tiny
 * program for this platform, giving up after {@linkcode PROBE_TIMEOUT_MS}.
 *
 * @returns `undefined` when it can, or the sentence saying why not and what to do.
 */
export async function probe(): Promise<string | undefined> {
  const target = Deno.build.target;
  const denort = Deno.env.get("DENORT_BIN");
  if (denort !== undefined && denort !== "") {
    try {
      if (!(await Deno.stat(denort)).isFile) throw new Error("not a file");
    } catch {
      return `Cannot build: DENORT_BIN is set to "${denort}", which is not a file; ` +
        `point it at a denort ${Deno.version.deno} binary for ${target}, or unset it where dl.deno.land is reachable`;
    }
  }
  const dir = await Deno.makeTempDir({ prefix: "papo-probe-" });
  try {
    await Deno.writeTextFile(join(dir, "probe.ts"), 'console.log("papo probe");\n');
    const { code, stderr } = await new Deno.Command(Deno.execPath(), {
      args: [
        "compile",
        "--no-config",
        "--no-check",
        "--quiet",
        "--output",
        join(dir, target.includes("windows") ? "probe.exe" : "probe"),
        "probe.ts",
      ],
      cwd: dir,
      stdin: "null",
      stdout: "null",
      stderr: "piped",
      signal: AbortSignal.timeout(PROBE_TIMEOUT_MS),
    }).output();
    if (code === 0) return undefined;
    const text = stripAnsi(new TextDecoder().decode(stderr));
    return explainFailure(text, target, false) ??
      `Cannot build: deno compile of a one-line program failed: ${text.trim().split("\n")[0]}`;
  } catch (e) {
    if (e instanceof DOMException && (e.name === "TimeoutError" || e.name === "AbortError")) {
      return `Cannot build: deno compile did not get its runtime base ${denortUrl(target)} within ${
        PROBE_TIMEOUT_MS / 1000
      } seconds; run where dl.deno.land is reachable, or set DENORT_BIN to a denort ${Deno.version.deno} binary for ${target}`;
    }
    throw e;
  } finally {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}

/** `text` without its colours: deno colours its output even when piped. */
export function stripAnsi(text: string): string {
  // deno colours its output even when piped
  // deno-lint-ignore no-control-regex
  return text.replace(/\x1b\[[0-9;]*m/g, "");
}
