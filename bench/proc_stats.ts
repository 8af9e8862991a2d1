/**
 * What a process the bench started uses, read from `/proc` on Linux: its
 * resident memory and its CPU time.
 *
 * @module
 */

/**
 * Reads the resident memory of a process from `/proc/<pid>/status` (with
 * `cat`: Deno lets only `--allow-all` read another process's `/proc` files).
 *
 * @param pid The process.
 * @returns VmRSS in KiB, or `undefined` off Linux or when the process is gone.
 */
export async function rssKiB(pid: number): Promise<number | undefined> {
  if (Deno.build.os !== "linux") return undefined;
  try {
    const { stdout } = await new Deno.Command("cat", {
      args: [`/proc/${pid}/status`],
      stdout: "piped",
      stderr: "null",
    }).output();
    const m = /^VmRSS:\s+(\d+) kB/m.exec(new TextDecoder().decode(stdout));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Reads the CPU time a process used from `/proc/<pid>/stat` (utime + stime,
 * in the kernel's USER_HZ of 100 ticks a second).
 *
 * @param pid The process.
 * @returns Seconds, or `undefined` off Linux or when the process is gone.
 */
export async function cpuSeconds(pid: number): Promise<number | undefined> {
  if (Deno.build.os !== "linux") return undefined;
  try {
    const { stdout } = await new Deno.Command("cat", {
      args: [`/proc/${pid}/stat`],
      stdout: "piped",
      stderr: "null",
    }).output();
    const text = new TextDecoder().decode(stdout);
    const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
    const ticks = Number(fields[11]) + Number(fields[12]);
    return Number.isFinite(ticks) ? ticks / 100 : undefined;
  } catch {
    return undefined;
  }
}
