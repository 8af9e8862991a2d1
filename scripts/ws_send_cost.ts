/**
 * What one WebSocket message costs the server in Deno, beside a TCP write
 * (issue 23 item 3, docs/performance.md "The web door's cost"). A server
 * sends `--lines` 61-character lines to each of `--clients` clients (a child
 * process reads them with Deno's WebSocket, as a browser would, or a TCP
 * socket), in rounds of `--batch` lines, five ways: Deno's WebSocket
 * (`Deno.upgradeWebSocket`, the door before issue 23) sending one text
 * message per line (what W2 asks), the same with the round's lines joined in
 * one message, papo's web door (`server/doors/ws.ts`: one text frame per
 * line, the round's frames in one socket write), one TCP write per line,
 * and one TCP write per round (what the TCP door does). Prints the server's
 * CPU time per line, user and system, read from `process.cpuUsage()`;
 * compare within one run.
 *
 * ```sh
 * deno run --allow-net --allow-run --allow-read scripts/ws_send_cost.ts --clients 200 --lines 3200 --batch 16
 * ```
 *
 * @module
 */

import process from "node:process";
import { parseArgs } from "node:util";
import type { WebSocketStream } from "../server/doors/ws.ts";
import { upgradeAccepted } from "../tests/ws_raw.ts";

const LINE = "PUBLICA alice: " + "x".repeat(46);
const MODES = [
  "ws-message-per-line",
  "ws-lines-joined",
  "door-frames-per-round",
  "tcp-write-per-line",
  "tcp-write-per-round",
];

const { values } = parseArgs({
  options: {
    clients: { type: "string", default: "200" },
    lines: { type: "string", default: "3200" },
    batch: { type: "string", default: "16" },
    modes: { type: "string", default: MODES.join(",") }, // some of them only
    child: { type: "string" }, // internal: `ws:PORT` or `tcp:PORT`, the reading side
  },
});
const clients = Number(values.clients);
const lines = Number(values.lines);
const batch = Number(values.batch);

if (values.child !== undefined) {
  const [kind, port] = values.child.split(":");
  await Promise.all(Array.from({ length: clients }, () => readAll(kind!, Number(port))));
  Deno.exit(0);
}
for (const mode of values.modes!.split(",")) await measure(mode);

/** The reading side: counts lines until all came. */
async function readAll(kind: string, port: number): Promise<void> {
  if (kind === "ws") {
    const socket = new WebSocket(`ws://127.0.0.1:${port}/`);
    let got = 0;
    await new Promise<void>((resolve) => {
      socket.onmessage = (e) => {
        got += String(e.data).split("\n").length;
        if (got >= lines) resolve();
      };
    });
    socket.close();
    return;
  }
  using conn = await Deno.connect({ hostname: "127.0.0.1", port });
  const buf = new Uint8Array(65536);
  for (let got = 0; got < lines;) {
    const n = await conn.read(buf);
    if (n === null) return;
    for (let i = 0; i < n; i++) if (buf[i] === 10) got++;
  }
}

/** Runs one mode with its own server and reading process; prints its line. */
async function measure(mode: string): Promise<void> {
  const ws = mode.startsWith("ws");
  const door = mode.startsWith("door");
  const sockets: WebSocket[] = [];
  const conns: Deno.Conn[] = [];
  const streams: WebSocketStream[] = [];
  const all = Promise.withResolvers<void>();
  let port: number;
  let stop: () => Promise<void>;
  if (ws) {
    const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (req) => {
      const { socket, response } = Deno.upgradeWebSocket(req);
      socket.onopen = () => sockets.push(socket) === clients && all.resolve();
      return response;
    });
    port = server.addr.port;
    stop = () => server.shutdown();
  } else if (door) {
    const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    port = listener.addr.port;
    (async () => {
      for await (const c of listener) {
        void upgradeAccepted(c).then((s) => streams.push(s) === clients && all.resolve());
      }
    })();
    stop = () => Promise.resolve(listener.close());
  } else {
    const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    port = listener.addr.port;
    (async () => {
      for await (const c of listener) if (conns.push(c) === clients) all.resolve();
    })();
    stop = () => Promise.resolve(listener.close());
  }
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-net",
      import.meta.filename!,
      ...Deno.args,
      "--child",
      `${ws || door ? "ws" : "tcp"}:${port}`,
    ],
  }).spawn();
  await all.promise;
  const one = new TextEncoder().encode(LINE + "\r\n");
  const round = new TextEncoder().encode((LINE + "\r\n").repeat(batch));
  const joined = Array(batch).fill(LINE).join("\n");
  const start = process.cpuUsage();
  for (let r = 0; r < lines / batch; r++) {
    if (mode === "ws-message-per-line") {
      for (const s of sockets) for (let i = 0; i < batch; i++) s.send(LINE);
    } else if (mode === "ws-lines-joined") { for (const s of sockets) s.send(joined); }
    else if (door) {
      await Promise.all(streams.map(async (s) => {
        for (let at = 0; at < round.length;) at += await s.write(round.subarray(at));
      }));
    } else if (mode === "tcp-write-per-line") {
      await Promise.all(conns.map(async (c) => {
        for (let i = 0; i < batch; i++) await c.write(one);
      }));
    } else await Promise.all(conns.map((c) => c.write(round)));
    // Deno's WebSocket never waits: let what was handed leave before the next round.
    while (sockets.some((s) => s.bufferedAmount > 64 * 1024)) {
      await new Promise((r) => setTimeout(r, 0));
    }
  }
  await child.status;
  const used = process.cpuUsage(start);
  const per = (us: number) => (us / (clients * lines)).toFixed(2);
  console.log(
    `${mode.padEnd(20)} ${per(used.user + used.system)} µs per line ` +
      `(user ${per(used.user)}, system ${per(used.system)})`,
  );
  for (const c of conns) c.close();
  for (const s of streams) s.shut();
  await stop();
}
