/**
 * The processes the bench runs: the servers under test (papo's `server.ts`,
 * the ceiling server, ngIRCd) and the generator processes, each started with
 * the open-file limit raised to its hard limit (`launch.ts`); their memory
 * and CPU time (`proc_stats.ts`).
 *
 * @module
 */

import { jsonLines, JsonWriter, type Order, type Report, type RunResult, wallMs } from "./wire.ts";
import { here, pinning, profileFlags, raisedCommand } from "./launch.ts";
import { cpuSeconds, rssKiB } from "./proc_stats.ts";
import { LineSplitter } from "../wire/line_splitter.ts";

/** A server the bench started. */
export interface ServerProcess {
  /** `papo`, `ceiling` or `ngircd`. */
  readonly name: string;
  readonly pid: number;
  readonly host: string;
  readonly port: number;
  /** The command line, for the report. */
  readonly command: string;
  /** Its resident memory (VmRSS) in KiB, or `undefined` when it cannot be read. */
  rssKiB(): Promise<number | undefined>;
  /** The CPU time it used so far (user and system), in seconds, or `undefined`. */
  cpuSeconds(): Promise<number | undefined>;
  /** The last lines it printed, for error reports. */
  tail(): string[];
  /** Stops it: SIGTERM, then SIGKILL after 5 s; returns its exit code. */
  stop(): Promise<number>;
}

/**
 * Starts a server script with `deno run --allow-net` and waits for its
 * "listening on HOST:PORT" line.
 *
 * @param name `papo` or `ceiling`.
 * @param script The script's path.
 * @param args Its arguments.
 * @returns The running server.
 * @throws {Error} When it exits or says nothing of listening within 30 s.
 */
export function startServer(name: string, script: string, args: string[]): Promise<ServerProcess> {
  return startProcess({
    name,
    program: Deno.execPath(),
    args: ["run", "--allow-net", ...profileFlags(), script, ...args],
    listening: /listening on ([0-9.]+):(\d+)/,
  });
}

/** What {@linkcode startProcess} starts. */
export interface ServerStart {
  /** `papo`, `ceiling` or `ngircd`. */
  readonly name: string;
  /** The program (a path, or a name looked up in PATH) and its arguments. */
  readonly program: string;
  readonly args: string[];
  /** Matches the line it prints once it listens; its groups are the address and the port. */
  readonly listening: RegExp;
  /** Runs once it stopped or failed to start (e.g. removes its temporary files). */
  readonly cleanup?: () => Promise<void>;
}

/**
 * Starts a server process and waits for the line that says it listens; its
 * output is read to the end all along, so its pipes never fill.
 *
 * @param start What to run.
 * @returns The running server.
 * @throws {Error} When it exits or says nothing of listening within 30 s.
 */
export async function startProcess(start: ServerStart): Promise<ServerProcess> {
  const { name, program, args } = start;
  const cleanup = start.cleanup ?? (() => Promise.resolve());
  let child: Deno.ChildProcess;
  try {
    child = raisedCommand(
      program,
      args,
      { stdin: "null", stdout: "piped", stderr: "piped" },
      pinning.server,
    ).spawn();
  } catch (e) {
    await cleanup();
    throw e;
  }
  const lines: string[] = [];
  let listening: ((hostPort: [string, number]) => void) | undefined;
  const found = new Promise<[string, number]>((resolve) => listening = resolve);
  const keep = (line: string) => {
    lines.push(line);
    if (lines.length > 20) lines.shift();
    const m = start.listening.exec(line);
    if (m && listening) {
      listening([m[1]!, Number(m[2])]);
      listening = undefined;
    }
  };
  const drained = Promise.all([drain(child.stdout, keep), drain(child.stderr, keep)]);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const failed = Promise.race([
    child.status.then((s) => `exited with code ${s.code}`),
    new Promise<string>((r) =>
      timer = setTimeout(() => r("said nothing of listening in 30 s"), 30_000)
    ),
  ]);
  const first = await Promise.race([found, failed]);
  clearTimeout(timer);
  if (typeof first === "string") {
    try {
      child.kill("SIGKILL");
    } catch {
      // already gone
    }
    await child.status;
    await drained;
    await cleanup();
    throw new Error(`The ${name} server ${first}: ${lines.slice(-5).join(" | ")}`);
  }
  const [host, port] = first;
  let stopped: Promise<number> | undefined;
  return {
    name,
    pid: child.pid,
    host,
    port,
    command: [program, ...args].join(" "),
    rssKiB: () => rssKiB(child.pid),
    cpuSeconds: () => cpuSeconds(child.pid),
    tail: () => lines.slice(),
    stop: () =>
      stopped ??= (async () => {
        try {
          child.kill("SIGTERM");
        } catch {
          // already gone
        }
        let t: ReturnType<typeof setTimeout> | undefined;
        const late = await Promise.race([
          child.status.then(() => false),
          new Promise<boolean>((r) => t = setTimeout(() => r(true), 5_000)),
        ]);
        clearTimeout(t);
        if (late) {
          try {
            child.kill("SIGKILL");
          } catch {
            // gone meanwhile
          }
        }
        const status = await child.status;
        await drained;
        await cleanup();
        return status.code;
      })(),
  };
}

async function drain(stream: ReadableStream<Uint8Array>, keep: (line: string) => void) {
  const lines = new LineSplitter("lf");
  try {
    for await (const text of stream.pipeThrough(new TextDecoderStream())) {
      // Only the last lines matter; a busy server logs thousands.
      for (const line of lines.push(text).slice(-25)) keep(line);
    }
  } catch {
    // the process was killed
  }
  for (const line of lines.end()) keep(line);
}

/** A generator process (`worker.ts`) and its reports. */
export class Generator {
  readonly pid: number;
  /** The progress it last reported (registrations or lines received). */
  done = 0;
  /** Called with the first failure of a run. */
  onFail: ((error: string) => void) | undefined;
  readonly #child: Deno.ChildProcess;
  readonly #writer: JsonWriter;
  readonly #stdin: WritableStreamDefaultWriter<Uint8Array>;
  #results: RunResult[] = [];
  #closed = 0;
  #armed = 0;
  #wake: (() => void) | undefined;
  #ended = false;
  readonly #reading: Promise<void>;

  private constructor(child: Deno.ChildProcess, pid: number, reports: AsyncGenerator<Report>) {
    this.#child = child;
    this.pid = pid;
    this.#stdin = child.stdin.getWriter();
    this.#writer = new JsonWriter((bytes) => this.#stdin.write(bytes));
    this.#reading = this.#read(reports);
  }

  /**
   * Starts a generator process and waits until it is ready.
   * @throws {Error} When it does not start.
   */
  static async start(): Promise<Generator> {
    const args = ["run", "--allow-net", ...profileFlags(), here("./worker.ts")];
    const child = raisedCommand(Deno.execPath(), args, {
      stdin: "piped",
      stdout: "piped",
      stderr: "inherit",
    }, pinning.generators).spawn();
    const reports = jsonLines<Report>(child.stdout);
    const first = await reports.next();
    if (first.done || first.value.op !== "ready") {
      try {
        child.kill("SIGKILL");
      } catch {
        // gone
      }
      await child.status;
      throw new Error("A generator process did not start");
    }
    return new Generator(child, first.value.pid, reports);
  }

  async #read(reports: AsyncGenerator<Report>): Promise<void> {
    try {
      for await (const r of reports) {
        if (r.op === "progress") this.done = r.done;
        else if (r.op === "fail") this.onFail?.(r.error);
        else if (r.op === "result") this.#results.push(r);
        else if (r.op === "closed") this.#closed++;
        else if (r.op === "armed") this.#armed++;
        this.#wake?.();
      }
    } catch {
      // the process died; #ended tells
    }
    this.#ended = true;
    this.#wake?.();
  }

  /**
   * Waits until the run just ordered is armed (private, broadcast).
   * @param deadline Wall-clock milliseconds after which it gives up.
   * @returns Whether it is.
   */
  async armed(deadline: number): Promise<boolean> {
    await this.#until(() => this.#armed > 0, deadline);
    if (this.#armed === 0) return false;
    this.#armed--;
    return true;
  }

  /** Sends an order. */
  send(order: Order): Promise<void> {
    if (order.op === "join" || order.op === "private" || order.op === "broadcast") this.done = 0;
    return this.#writer.send(order);
  }

  /**
   * Waits for the result of the run in progress.
   * @param deadline Wall-clock milliseconds after which it gives up.
   * @returns The result, or `undefined` when the process died or the deadline passed.
   */
  async result(deadline: number): Promise<RunResult | undefined> {
    await this.#until(() => this.#results.length > 0, deadline);
    return this.#results.shift();
  }

  /** Closes the generator's clients and waits until it did (at most 30 s). */
  async closeClients(): Promise<void> {
    const before = this.#closed;
    await this.send({ op: "close" });
    await this.#until(() => this.#closed > before, wallMs() + 30_000);
    this.#results = [];
    this.#armed = 0;
  }

  async #until(ok: () => boolean, deadline: number): Promise<void> {
    while (!ok() && !this.#ended) {
      const wait = deadline - wallMs();
      if (wait <= 0) return;
      let timer: ReturnType<typeof setTimeout> | undefined;
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
        timer = setTimeout(resolve, Math.min(wait, 1000));
      });
      clearTimeout(timer);
      this.#wake = undefined;
    }
  }

  /** Ends the process (at most 5 s, then SIGKILL). */
  async exit(): Promise<void> {
    try {
      await this.send({ op: "exit" });
      await this.#stdin.close();
    } catch {
      // already gone
    }
    let t: ReturnType<typeof setTimeout> | undefined;
    const late = await Promise.race([
      this.#child.status.then(() => false),
      new Promise<boolean>((r) => t = setTimeout(() => r(true), 5_000)),
    ]);
    clearTimeout(t);
    if (late) {
      try {
        this.#child.kill("SIGKILL");
      } catch {
        // gone
      }
    }
    await this.#child.status;
    await this.#reading;
  }

  /** Kills the process at once (Ctrl+C). */
  kill(): void {
    try {
      this.#child.kill("SIGKILL");
    } catch {
      // gone
    }
  }
}
