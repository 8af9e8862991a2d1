/**
 * L10, measured: a reconnecting loop from one address (connect, nickname, 20
 * public lines, `{quit}`) against a real `server.ts` with its default
 * budgets, and what a bystander on another address receives each second,
 * and how long the bystander's own line takes to reach a friend. Loopback
 * only; prints one row a second and a summary.
 *
 * Usage: deno run --allow-net --allow-run --allow-read scripts/churn_measure.ts [SECONDS] [LOOPS]
 *
 * @module
 */

import { LineClient } from "../tests/line_client.ts";
import { pause } from "../tests/wait.ts";

const seconds = Number(Deno.args[0] ?? 15);
const loops = Number(Deno.args[1] ?? 1);

const probe = Deno.listen({ hostname: "127.0.0.1", port: 0 });
const port = probe.addr.port;
probe.close();
const server = new Deno.Command(Deno.execPath(), {
  args: [
    "run",
    "--allow-net",
    new URL("../server.ts", import.meta.url).pathname,
    "--port",
    `${port}`,
  ],
  stdout: "null",
  stderr: "null",
}).spawn();

async function connect(from: string): Promise<LineClient> {
  for (let i = 0; i < 100; i++) {
    try {
      return await LineClient.connect(port, { from, keepRaw: false });
    } catch {
      await pause(100); // the server is starting
    }
  }
  throw new Error("no server");
}

async function joinAs(from: string, nick: string): Promise<LineClient> {
  const c = await connect(from);
  await c.expect("APELIDO");
  await c.send(nick);
  await c.expect("AJUDA");
  return c;
}

const ana = await joinAs("127.0.5.1", "ana");
const bia = await joinAs("127.0.5.2", "bia");
let going = true;
let turns = 0;
const attackers = Array.from({ length: loops }, (_, k) =>
  (async () => {
    for (let n = 0; going; n++) {
      try {
        const c = await connect("127.0.5.9");
        await c.expect("APELIDO");
        await c.send(`loop${k}x${n}`);
        let burst = "";
        for (let i = 0; i < 20; i++) burst += `:spam ${n}.${i}\n`;
        await c.sendRaw(new TextEncoder().encode(burst + "{quit}\n"));
        await c.closed().catch(() => {});
        await c.close();
        turns++;
      } catch {
        // refused or cut: the loop goes on
      }
    }
  })());

const started = Date.now();
const rows: { second: number; lines: number; latencyMs: number }[] = [];
let seen = 0;
for (let s = 1; s <= seconds; s++) {
  const sent = Date.now();
  await ana.send(`:ping ${s}`);
  let latencyMs = -1;
  try {
    await bia.expect(`PUBLICA ana: ping ${s}`);
    latencyMs = Date.now() - sent;
  } catch {
    // not within the helper's wait
  }
  const wait = started + s * 1000 - Date.now();
  if (wait > 0) await pause(wait);
  const lines = ana.received.length - seen;
  seen = ana.received.length;
  rows.push({ second: s, lines, latencyMs });
  console.log(
    `second ${s}: bystander received ${lines} lines; own line reached a friend in ${latencyMs} ms`,
  );
}
going = false;
await Promise.all(attackers);
const late = rows.slice(3);
console.log(
  `loops ${loops}, turns ${turns} in ${seconds} s; after the first 3 s: at most ${
    Math.max(...late.map((r) => r.lines))
  } lines/s at the bystander (mean ${
    (late.reduce((a, r) => a + r.lines, 0) / late.length).toFixed(1)
  }), own line at most ${
    Math.max(...rows.map((r) => r.latencyMs))
  } ms; ENTROU/SAIU lines of the loop: ${
    ana.received.filter((l) => /^(ENTROU|SAIU) (loop|\d+ )/.test(l)).length
  }`,
);
await ana.close();
await bia.close();
server.kill("SIGTERM");
await server.status;
