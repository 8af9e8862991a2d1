/**
 * How the bench starts its processes: with the open-file limit raised to its
 * hard limit, pinned to cores with `--pin` (taskset), writing CPU profiles
 * with `--profile`; and where its files are.
 *
 * @module
 */

/** A file next to this module, as a path. */
export function here(relative: string): string {
  return decodeURIComponent(new URL(relative, import.meta.url).pathname);
}

/** Where V8 CPU profiles of the processes started go (`--profile`), when set. */
let profileDir: string | undefined;

/**
 * Makes every process started from now on write a V8 CPU profile
 * (`*.cpuprofile`, for Chrome DevTools) into `dir` when it exits.
 */
export function profileInto(dir: string): void {
  profileDir = dir;
}

/** The flags that make a process write its CPU profile, when `--profile` asked for one. */
export function profileFlags(): string[] {
  return profileDir === undefined ? [] : ["--cpu-prof", `--cpu-prof-dir=${profileDir}`];
}

/** The shell prefix that raises the open-file limit to the hard limit, then runs the command. */
const RAISE = 'ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec "$0" "$@"';

/** The cores servers and generators are put on (`--pin`), as taskset's lists; none by default. */
export const pinning: { server: string | undefined; generators: string | undefined } = {
  server: undefined,
  generators: undefined,
};

/**
 * Puts the servers started from now on core 0 and the generators on the
 * other cores, with taskset (`--pin`).
 * @returns Why it cannot, or `undefined` when it will.
 */
export async function pinServers(): Promise<string | undefined> {
  const cores = navigator.hardwareConcurrency;
  if (Deno.build.os !== "linux") return "--pin: taskset is a Linux tool; not pinned";
  if (cores < 2) return "--pin: one core; not pinned";
  try {
    const { success } = await new Deno.Command("taskset", {
      args: ["-c", "0", "true"],
      stdout: "null",
      stderr: "null",
    }).output();
    if (!success) return "--pin: taskset -c 0 failed; not pinned";
  } catch {
    return "--pin: taskset not found (apt-get install util-linux); not pinned";
  }
  pinning.server = "0";
  pinning.generators = cores === 2 ? "1" : `1-${cores - 1}`;
  return undefined;
}

/**
 * The command that runs `program` with `args`, through `sh` to raise the
 * open-file limit first on Linux and macOS (`exec` keeps the process id, as
 * taskset does when the process is pinned).
 */
export function raisedCommand(
  program: string,
  args: string[],
  options: Deno.CommandOptions,
  cpus?: string,
): Deno.Command {
  if (Deno.build.os === "windows") return new Deno.Command(program, { ...options, args });
  const run = cpus === undefined ? [program] : ["taskset", "-c", cpus, program];
  return new Deno.Command("sh", { ...options, args: ["-c", RAISE, ...run, ...args] });
}

/**
 * The open-file limit each process the bench starts gets (its hard limit).
 * @returns The limit, or `Infinity` when it is unlimited or cannot be read.
 */
export async function openFileLimit(): Promise<number> {
  if (Deno.build.os === "windows") return Infinity;
  try {
    const { stdout } = await new Deno.Command("sh", {
      args: ["-c", 'ulimit -n "$(ulimit -Hn)" 2>/dev/null; ulimit -n'],
      stdout: "piped",
      stderr: "null",
    }).output();
    const n = Number(new TextDecoder().decode(stdout).trim());
    return Number.isFinite(n) && n > 0 ? n : Infinity;
  } catch {
    return Infinity;
  }
}
