/**
 * ngIRCd (https://ngircd.barton.de/) as the bench's anchor: a mature IRC
 * server in C, run with the same scenarios when it is installed. This module
 * finds it, writes its configuration into a temporary directory and starts
 * it in the foreground (`-n`) on a free port of 127.0.0.1.
 *
 * The configuration turns off what would measure something else than
 * message handling: no DNS or IDENT lookups (no resolver subprocess per
 * connection), no PAM, and no flood penalty (`MaxPenaltyTime = 0`: ngIRCd
 * otherwise stops reading a client for a second when it sends more than
 * three commands at once or 256 bytes a second). Connections are not
 * limited, nor per address; nicknames may have 31 characters.
 *
 * @module
 */

import { type ServerProcess, startProcess } from "./processes.ts";

/**
 * The most clients connecting to ngIRCd at once, over all generators.
 * ngIRCd listens with a backlog of 10 (`listen(sock, 10)` in conn.c) and
 * accepts one connection per turn of its loop; 100 at once overflow its
 * accept queue, the kernel drops their handshakes, and they retry after 1,
 * 3, 7... s (some are reset). Eight at once overflow nothing.
 */
export const NGIRCD_CONNECTING = 8;

/** An installed ngIRCd. */
export interface Ngircd {
  /** The executable. */
  readonly path: string;
  /** The first line of `ngircd --version`, e.g. `ngIRCd 26.1-IDENT+IPv6+...`. */
  readonly version: string;
}

/** Where ngIRCd may be besides PATH (Debian puts it in /usr/sbin). */
const PLACES = ["/usr/sbin", "/usr/local/sbin", "/sbin"];

/**
 * Finds ngIRCd: the path given, or `ngircd` in PATH, /usr/sbin, /usr/local/sbin.
 *
 * @param given A path to use instead of looking.
 * @returns It, or `undefined` when it is not installed (or does not run).
 */
export async function findNgircd(given?: string): Promise<Ngircd | undefined> {
  if (Deno.build.os === "windows") return undefined;
  const dirs = given !== undefined
    ? []
    : [...(Deno.env.get("PATH") ?? "").split(":").filter((d) => d !== ""), ...PLACES];
  const candidates = given !== undefined ? [given] : dirs.map((d) => `${d}/ngircd`);
  for (const path of candidates) {
    try {
      if (!(await Deno.stat(path)).isFile) continue;
      const { code, stdout } = await new Deno.Command(path, {
        args: ["--version"],
        stdin: "null",
        stdout: "piped",
        stderr: "null",
      }).output();
      const version = new TextDecoder().decode(stdout).split("\n")[0]!.trim();
      if (code === 0 && version.startsWith("ngIRCd")) return { path, version };
    } catch {
      // not there, or not runnable
    }
  }
  return undefined;
}

/**
 * ngIRCd's configuration for one bench run.
 *
 * @param port The port to listen on, at 127.0.0.1.
 * @param includeDir An empty directory (so that no system-wide snippet is read).
 * @returns The text of `ngircd.conf`.
 */
export function ngircdConfig(port: number, includeDir: string): string {
  return `# papo bench: ngIRCd as an anchor (bench/ngircd.ts)
[Global]
\tName = bench.papo.local
\tInfo = papo bench anchor
\tAdminInfo1 = papo bench
\tAdminInfo2 = a temporary server
\tAdminEMail = bench@papo.local
\tListen = 127.0.0.1
\tPorts = ${port}
\tMotdPhrase = papo bench
\tPidFile =
[Limits]
\tMaxConnections = 0
\tMaxConnectionsIP = 0
\tMaxJoins = 0
\tMaxNickLength = 31
\tMaxPenaltyTime = 0
[Options]
\tDNS = no
\tIdent = no
\tPAM = no
\tIncludeDir = ${includeDir}
`;
}

/** The settings of {@linkcode ngircdConfig} in words, for the report. */
export const NGIRCD_SETTINGS =
  "127.0.0.1, a free port, MaxPenaltyTime 0 (no flood penalty), DNS/Ident/PAM off, " +
  "MaxConnections(IP) 0 (no limit), MaxNickLength 31, run with -n";

/**
 * Starts ngIRCd with its own configuration in a new temporary directory,
 * removed when it stops. The directory is made and written by `mktemp` and
 * `sh`, because the bench runs without `--allow-write`.
 *
 * @param ngircd The installed ngIRCd.
 * @returns The running server.
 * @throws {Error} When it does not start listening (after three ports tried).
 */
export async function startNgircd(ngircd: Ngircd): Promise<ServerProcess> {
  let last: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const dir = await tempDir();
    const conf = `${dir}/ngircd.conf`;
    try {
      await writeFile(conf, ngircdConfig(freePort(), `${dir}/conf.d`));
    } catch (e) {
      await remove(dir);
      throw e;
    }
    try {
      return await startProcess({
        name: "ngircd",
        program: ngircd.path,
        args: ["-n", "-f", conf],
        listening: /Now listening on \[([0-9.]+)\]:(\d+)/,
        cleanup: () => remove(dir),
      });
    } catch (e) {
      // startProcess removed the directory; a port taken meanwhile is worth another try.
      last = e;
    }
  }
  throw last instanceof Error ? last : new Error(String(last));
}

/** A port that was free a moment ago at 127.0.0.1. */
function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr;
  listener.close();
  return port;
}

async function run(program: string, args: string[], input?: string): Promise<string> {
  const child = new Deno.Command(program, {
    args,
    stdin: input === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  if (input !== undefined) {
    const w = child.stdin.getWriter();
    await w.write(new TextEncoder().encode(input));
    await w.close();
  }
  const { code, stdout, stderr } = await child.output();
  if (code !== 0) {
    throw new Error(`${program} ${args.join(" ")}: ${new TextDecoder().decode(stderr).trim()}`);
  }
  return new TextDecoder().decode(stdout).trim();
}

function tempDir(): Promise<string> {
  return run("mktemp", ["-d", `${Deno.env.get("TMPDIR") ?? "/tmp"}/papo-bench-ngircd.XXXXXX`]);
}

async function writeFile(path: string, text: string): Promise<void> {
  await run("sh", ["-c", 'mkdir -p "$(dirname "$1")/conf.d" && cat > "$1"', "sh", path], text);
}

async function remove(dir: string): Promise<void> {
  try {
    await run("rm", ["-rf", dir]);
  } catch {
    // left in the temporary directory
  }
}
