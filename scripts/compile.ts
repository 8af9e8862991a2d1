/**
 * Builds papo's standalone binaries with `deno compile`: `papo-server`,
 * `papo-client` and `papo-check` (the conformance kit, C7) for this computer
 * into `dist/` (`deno task compile`), or for
 * every platform a classroom may use, named by target, with a `SHA256SUMS`
 * file (`deno task compile:all`). Each binary gets `--allow-net` and
 * `--allow-read` (T1-T3: a binary cannot be given a path at run time, and
 * TLS reads the files named by `--cert`, `--key` and `--ca`, nothing else),
 * and papo-server also `--allow-sys=networkInterfaces` (the banner lists the
 * addresses students type) and the environment names the Redis library
 * reads for `--redis` (N6): `--allow-env=REDIS_DEBUG_MAINTENANCE,REDIS_EMIT_DIAGNOSTICS`.
 * Certificates are checked against Mozilla's roots, and the system's too
 * when `DENO_TLS_CA_STORE=system,mozilla` is set where the binary runs.
 *
 * `deno compile` copies a runtime base (denort) that it downloads from
 * dl.deno.land; where that host cannot be reached this script says so in one
 * sentence instead of a stack trace. `DENORT_BIN` may name a local denort.
 *
 * Usage: `deno task compile [--all] [--out-dir DIR] [--probe]`.
 *
 * @module
 */

import { fileURLToPath } from "node:url";
import { join, relative, resolve } from "node:path";
import { parseFlags, UsageError } from "../common/cli.ts";
import config from "../deno.json" with { type: "json" };
import { REDIS_ALLOW_ENV } from "../server/room/redis/env.ts";
import { CannotBuildError, explainFailure, probe, stripAnsi } from "./denort.ts";

/** The platforms `compile:all` builds for, as `deno compile --target` names them. */
export const TARGETS = [
  "x86_64-unknown-linux-gnu",
  "aarch64-unknown-linux-gnu",
  "x86_64-apple-darwin",
  "aarch64-apple-darwin",
  "x86_64-pc-windows-msvc",
] as const;

/** The programs to build: entry file (from the repository root) and binary name. */
export const PROGRAMS = [
  { entry: "server.ts", name: "papo-server" },
  { entry: "client.ts", name: "papo-client" },
  { entry: "conformance/main.ts", name: "papo-check" },
] as const;

/**
 * The permissions papo-client and papo-check get (CONTRACT: "Running it");
 * they never prompt. Reading is for `--ca` only (T2, T3): a binary's
 * permissions are fixed when it is built, before the path is known.
 */
export const PERMISSIONS = ["--allow-net", "--allow-read", "--no-prompt"] as const;

/**
 * papo-server's: the network, reading (`--cert` and `--key`, T1), listing
 * the network interfaces for the banner's addresses (issue 10), and the env
 * names node-redis reads for `--redis` (N6).
 */
export const SERVER_PERMISSIONS = [
  "--allow-net",
  "--allow-read", // T1: --cert and --key, whose paths are known only at run time
  "--allow-sys=networkInterfaces",
  REDIS_ALLOW_ENV,
  "--no-prompt",
] as const;

/** The permissions baked into the binary built from `entry`. */
export function permissionsOf(entry: string): readonly string[] {
  return entry === "server.ts" ? SERVER_PERMISSIONS : PERMISSIONS;
}

/**
 * What `deno compile` must embed beside the modules `entry` imports: for
 * papo-server, the Redis room, which it imports only with `--redis`
 * (deno.json's `lazy-dynamic-imports` leaves it out of the graph otherwise).
 */
export function includesOf(entry: string): readonly string[] {
  return entry === "server.ts" ? ["--include", "server/room/redis/redis_room.ts"] : [];
}

/** Exit code of `--probe` when binaries cannot be built here. */
export const EXIT_CANNOT_BUILD = 3;

/** The repository root (where deno.json is). */
export const ROOT: string = fileURLToPath(new URL("../", import.meta.url));

/** The version every binary prints with `--version`. */
export const VERSION: string = config.version;

/** One binary to build. */
export interface Build {
  /** The entry file, relative to the repository root. */
  entry: string;
  /** The `deno compile --target` platform. */
  target: string;
  /** The output file, absolute. */
  output: string;
}

/**
 * Lists what to build: every program whose entry file exists, for this
 * platform (plain names) or for every target (names suffixed by target).
 *
 * @param outDir The directory for the binaries.
 * @param all Whether to build for every target in {@linkcode TARGETS}.
 * @param exists Whether an entry file exists (for tests).
 * @returns The builds, and the entry files that are missing.
 *
 * @example
 * ```ts
 * import { plan } from "./compile.ts";
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 *
 * const { builds, missing } = plan("/d", true, (f) => f === "server.ts");
 * assertEquals(missing, ["client.ts", "conformance/main.ts"]);
 * assertEquals(builds.length, 5);
 * assertEquals(builds[4]!.output.endsWith("papo-server-x86_64-pc-windows-msvc.exe"), true);
 * ```
 */
export function plan(
  outDir: string,
  all: boolean,
  exists: (entry: string) => boolean = entryExists,
): { builds: Build[]; missing: string[] } {
  const builds: Build[] = [];
  const missing: string[] = [];
  const targets: string[] = all ? [...TARGETS] : [Deno.build.target];
  for (const { entry, name } of PROGRAMS) {
    if (!exists(entry)) {
      missing.push(entry);
      continue;
    }
    for (const target of targets) {
      const exe = target.includes("windows") ? ".exe" : "";
      const file = all ? `${name}-${target}${exe}` : `${name}${exe}`;
      builds.push({ entry, target, output: join(outDir, file) });
    }
  }
  return { builds, missing };
}

function entryExists(entry: string): boolean {
  try {
    return Deno.statSync(join(ROOT, entry)).isFile;
  } catch {
    return false;
  }
}

/**
 * Runs `deno compile` for one binary.
 *
 * @param build What to build.
 * @param all Whether every platform is being built (for the error sentence).
 * @throws {CannotBuildError} When the runtime base cannot be had.
 * @throws {Error} When `deno compile` fails otherwise, with its output.
 */
export async function compile(build: Build, all: boolean): Promise<void> {
  const { code, stderr } = await new Deno.Command(Deno.execPath(), {
    args: [
      "compile",
      ...permissionsOf(build.entry),
      ...includesOf(build.entry),
      "--target",
      build.target,
      "--output",
      build.output,
      build.entry,
    ],
    cwd: ROOT,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (code === 0) return;
  const text = stripAnsi(new TextDecoder().decode(stderr));
  const sentence = explainFailure(text, build.target, all);
  if (sentence !== undefined) throw new CannotBuildError(sentence);
  throw new Error(`deno compile ${build.entry} for ${build.target} failed:\n${text.trimEnd()}`);
}

/**
 * Runs a freshly built binary of this platform with `--version` and checks
 * that it prints the version from deno.json.
 *
 * @param file The binary.
 * @param name The program's name (`papo-server`, `papo-client`, `papo-check`).
 * @throws {Error} When it does not run or prints something else.
 */
export async function checkVersion(file: string, name: string): Promise<void> {
  const want = `${name} ${VERSION}`;
  let got: string;
  try {
    const out = await new Deno.Command(file, {
      args: ["--version"],
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
      signal: AbortSignal.timeout(30_000),
    }).output();
    got = new TextDecoder().decode(out.stdout).trim().split("\n")[0]!.trim();
  } catch (e) {
    throw new Error(`Cannot run "${file}" --version: ${e instanceof Error ? e.message : e}`);
  }
  if (got !== want) {
    throw new Error(
      `"${file}" --version printed "${got}" instead of "${want}"; ` +
        `if DENORT_BIN is set, check that it names a denort binary, not deno`,
    );
  }
}

/**
 * Writes `SHA256SUMS` in the format `sha256sum -c` reads: the hex digest,
 * two spaces, the file name.
 *
 * @param outDir The directory of the binaries, where the file is written.
 * @param files The binaries (absolute paths inside `outDir`).
 * @returns The path of the file written.
 */
export async function writeChecksums(outDir: string, files: string[]): Promise<string> {
  const lines: string[] = [];
  for (const file of files) {
    const digest = await crypto.subtle.digest("SHA-256", await Deno.readFile(file));
    const hex = Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
    lines.push(`${hex}  ${baseName(file)}`);
  }
  const path = join(outDir, "SHA256SUMS");
  await Deno.writeTextFile(path, lines.join("\n") + "\n");
  return path;
}

/** A path as the user sees it: relative to the repository root when inside it. */
function shown(path: string): string {
  const rel = relative(ROOT, path);
  return rel.startsWith("..") || rel === "" ? path : rel;
}

function baseName(path: string): string {
  return path.split(/[\\/]/).pop()!;
}

const HELP = `Builds papo's standalone binaries with deno compile (only --allow-net baked in,
and for papo-server ${REDIS_ALLOW_ENV}, the env names the Redis library reads).

Usage: deno task compile [options]      this platform: dist/papo-server, dist/papo-client,
                                        dist/papo-check
       deno task compile:all [options]  every platform: dist/papo-server-<target>, ..., SHA256SUMS

Options:
  --all            build for ${TARGETS.join(", ")}
  --out-dir DIR    where to put the binaries (default dist)
  --probe          only check that deno compile can get its runtime base here
                   (exit 0 if so; exit ${EXIT_CANNOT_BUILD} and say why if not)
  -h, --help       show this help

deno compile downloads its runtime base (denort) from dl.deno.land; where that host is not
reachable, set DENORT_BIN to a denort ${Deno.version.deno} binary for this platform (deno task compile only).
`;

/** Runs the build from the command line; returns the exit code. */
async function main(args: string[]): Promise<number> {
  let flags;
  try {
    flags = parseFlags(args, {
      all: { type: "boolean" },
      "out-dir": { type: "string" },
      probe: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    });
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    console.error(`${e.message}\nSee --help.`);
    return 2;
  }
  if (flags.help) {
    console.log(HELP);
    return 0;
  }
  if (flags.probe) {
    const reason = await probe();
    if (reason === undefined) return 0;
    console.log(reason);
    return EXIT_CANNOT_BUILD;
  }
  const all = flags.all === true;
  const outDir = resolve(ROOT, (flags["out-dir"] as string | undefined) ?? "dist");
  const denort = Deno.env.get("DENORT_BIN");
  if (all && denort !== undefined && denort !== "") {
    console.error(
      `Cannot build every platform with DENORT_BIN set ("${denort}"): it names one runtime ` +
        `for one platform, so unset it and run deno task compile:all where dl.deno.land is reachable`,
    );
    return 1;
  }
  const { builds, missing } = plan(outDir, all);
  for (const entry of missing) console.log(`${entry} does not exist yet; not building it`);
  if (builds.length === 0) {
    console.error(`Nothing to build: none of ${PROGRAMS.map((p) => p.entry).join(", ")} exists`);
    return 1;
  }
  await Deno.mkdir(outDir, { recursive: true });
  try {
    for (const build of builds) {
      console.log(`Building ${shown(build.output)} (${build.target})`);
      await compile(build, all);
      if (build.target === Deno.build.target) {
        const name = PROGRAMS.find((p) => p.entry === build.entry)!.name;
        try {
          await checkVersion(build.output, name);
        } catch (e) {
          await Deno.remove(build.output).catch(() => {});
          throw e;
        }
      }
    }
  } catch (e) {
    if (e instanceof CannotBuildError) {
      console.error(e.message);
      return 1;
    }
    console.error(e instanceof Error ? e.message : String(e));
    return 1;
  }
  if (all) {
    const sums = await writeChecksums(outDir, builds.map((b) => b.output));
    console.log(`Wrote ${shown(sums)}`);
  }
  console.log(
    `Done: ${builds.length} binar${builds.length === 1 ? "y" : "ies"} in ${shown(outDir)}`,
  );
  return 0;
}

if (import.meta.main) {
  Deno.exit(await main(Deno.args));
}
