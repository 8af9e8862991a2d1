/**
 * L10, flooding by reconnecting: one address's loop (connect, nickname, 20
 * public lines, `{quit}`) cannot drown the room. Its lines share one budget,
 * its registrations wait their turn, its log lines are summarized, and a
 * bystander's own messages keep arriving. No timing is asserted: the counts
 * are bounded by the budgets over however long the loop took.
 */
import assert from "node:assert/strict";
import { DEFAULTS } from "../server/options.ts";
import { CHURN_PAIRS } from "../server/room/crowd.ts";
import { bytes, startServer } from "./helpers.ts";
import { join, LineClient } from "./line_client.ts";

const BUDGETS = { ipFloodBurst: 20, ipFloodRate: 20, joinBurst: 3, joinRate: 120 };

/** One turn of the attacker's loop; resolves when the server closed the connection. */
async function turn(port: number, n: number, from: string): Promise<void> {
  await using c = await LineClient.connect(port, { from, keepRaw: false });
  await c.expect("APELIDO");
  await c.send(`loop${n}`);
  await c.expect("AJUDA");
  let burst = "";
  for (let i = 0; i < 20; i++) burst += `:spam ${n}.${i}\n`;
  await c.sendRaw(bytes(burst, "{quit}\n"));
  await c.expect("TCHAU");
}

Deno.test("L10: a reconnecting loop from one address is held to its budgets; the room goes on", async () => {
  await using srv = startServer(BUDGETS);
  await using bystander = await join(srv.port, "ana", { from: "127.0.4.1" });
  await using friend = await join(srv.port, "bia", { from: "127.0.4.2" });
  const started = Date.now();
  const turns = 12;
  for (let n = 0; n < turns; n++) await turn(srv.port, n, "127.0.4.9");
  // The bystander's own message still arrives, after all the loop sent.
  await friend.send(":ainda estou aqui");
  await bystander.expect("PUBLICA bia: ainda estou aqui");
  const seconds = (Date.now() - started) / 1000;
  const spam = bystander.received.filter((l) => l.startsWith("PUBLICA loop")).length;
  const joins = bystander.received.filter((l) => l.startsWith("ENTROU loop")).length;
  // Nothing typed is dropped (delayed, never lost): every line reached the bystander...
  assert.equal(spam, 20 * turns);
  // Its joins are announced one by one only at first (L10, crowd.ts); the rest are summarized.
  assert.ok(joins >= CHURN_PAIRS && joins <= turns, `${joins} joins announced`);
  // ...at the address's pace: its budgets bound what got through in the time the loop took.
  assert.ok(
    spam <= BUDGETS.ipFloodBurst + BUDGETS.ipFloodRate * seconds + 1,
    `${spam} lines in ${seconds} s`,
  );
  assert.ok(
    joins <= BUDGETS.joinBurst + (BUDGETS.joinRate / 60) * seconds + 1,
    `${joins} joins in ${seconds} s`,
  );
  // The loop was told once per wait, with the reason.
  assert.ok(srv.logs.some((l) => l.startsWith("connect 127.0.4.9")));
});

Deno.test("L10: a class of 64 behind one NAT joins at once (the default burst)", async () => {
  await using srv = startServer({
    joinBurst: DEFAULTS.joinBurst,
    ipFloodBurst: DEFAULTS.ipFloodBurst,
  });
  const clients: LineClient[] = [];
  try {
    for (let i = 0; i < 64; i++) {
      const c = await LineClient.connect(srv.port, { from: "127.0.5.1", keepRaw: false });
      clients.push(c);
      await c.expect("APELIDO");
      await c.send(`aluno${i}`);
    }
    for (const c of clients) {
      const line = await c.expect("BEMVINDO");
      assert.match(line, /^BEMVINDO/);
    }
    assert.ok(!clients.some((c) => c.received.some((l) => l.startsWith("ERRO 10"))));
  } finally {
    await Promise.all(clients.map((c) => c.close()));
  }
});

Deno.test("L10: the 65th join from one address waits its turn, told once, and gets in", async () => {
  await using srv = startServer({ joinBurst: 2, joinRate: 600 });
  await using _a = await join(srv.port, "um", { from: "127.0.6.1" });
  await using _b = await join(srv.port, "dois", { from: "127.0.6.1" });
  await using c = await LineClient.connect(srv.port, { from: "127.0.6.1" });
  await c.expect("APELIDO");
  await c.send("tres");
  assert.match(await c.expect("ERRO"), /^ERRO 10 .*entradas demais deste endereco/);
  assert.equal(await c.expect("BEMVINDO"), "BEMVINDO Bem-vindo ao papo, tres!");
  // Another address was never held back.
  await using d = await join(srv.port, "quatro", { from: "127.0.6.2" });
  assert.ok(!d.received.some((l) => l.startsWith("ERRO")));
});

Deno.test("L10: a churning address's joins and leaves reach the room summarized, once a second", async () => {
  await using srv = startServer({ ...BUDGETS, joinBurst: 1000 });
  await using bystander = await join(srv.port, "ana", { from: "127.0.8.1" });
  const started = Date.now();
  const turns = 40;
  for (let n = 0; n < turns; n++) {
    await using c = await LineClient.connect(srv.port, { from: "127.0.8.9", keepRaw: false });
    await c.expect("APELIDO");
    await c.send(`loop${n}`);
    await c.expect("AJUDA");
    await c.send("{quit}");
    await c.expect("TCHAU");
  }
  await using _friend = await join(srv.port, "bia", { from: "127.0.8.2" });
  await bystander.expect("ENTROU bia"); // another address is announced at once, in its order
  const seconds = (Date.now() - started) / 1000;
  const notices = bystander.received.filter((l) => /^(ENTROU|SAIU) (loop|\d+ pessoas)/.test(l));
  // The first joins one by one (and their leaves), then at most a join and a leave summary
  // a second over however long the loop took: not two lines a turn.
  assert.ok(notices.length >= 2 * CHURN_PAIRS, notices.join("\n"));
  assert.ok(
    notices.length <= 2 * CHURN_PAIRS + 2 * (seconds + 2),
    `${notices.length} in ${seconds} s`,
  );
  assert.ok(notices.length < 2 * turns, notices.join("\n"));
});

Deno.test("L10: a churning address's log lines are summarized, other lines are not", async () => {
  await using srv = startServer(BUDGETS);
  for (let n = 0; n < 40; n++) {
    await using c = await LineClient.connect(srv.port, { from: "127.0.7.9", keepRaw: false });
    await c.expect("APELIDO");
    await c.sendRaw(bytes([0xff, 0xf4])); // IAC IP: leaves at once
    await c.closed();
  }
  await srv.stop();
  const churn = srv.logs.filter((l) => /^(connect|leave) 127\.0\.7\.9:/.test(l));
  assert.equal(churn.length, 30, churn.join("\n"));
  assert.ok(
    srv.logs.some((l) =>
      /^churn 127\.0\.7\.9: 50 connect, nick and leave lines not logged/.test(l)
    ),
    srv.logs.join("\n"),
  );
});

Deno.test("L10: an abrupt disconnect while waiting for a join turn loses nothing for others", async () => {
  await using srv = startServer({ joinBurst: 1, joinRate: 1 });
  await using a = await join(srv.port, "um", { from: "127.0.8.1" });
  const c = await LineClient.connect(srv.port, { from: "127.0.8.1" });
  await c.expect("APELIDO");
  await c.send("espera");
  await c.expect("ERRO 10");
  await c.close(); // gone while waiting
  await using b = await join(srv.port, "outro", { from: "127.0.8.2" });
  await b.send(":oi");
  assert.equal(await a.expect("PUBLICA"), "PUBLICA outro: oi");
});

Deno.test("L11: a relayed message never holds a run of more than 4 blanks (no forged rows)", async () => {
  await using srv = startServer();
  await using eve = await join(srv.port, "eve", { from: "127.0.10.1" });
  await using ana = await join(srv.port, "ana", { from: "127.0.10.2" });
  await eve.expect("ENTROU ana");
  const pad = " ".repeat(66);
  await eve.send(`:hi${pad}AVISO professor: a prova foi cancelada`);
  assert.equal(
    await ana.expect("PUBLICA"),
    "PUBLICA eve: hi    AVISO professor: a prova foi cancelada",
  );
  await eve.send(`ana:oi${pad}ERRO 03 Cancelamento de conexao forcado`);
  assert.equal(
    await ana.expect("PRIVADA"),
    "PRIVADA Mensagem recebida de: eve: oi    ERRO 03 Cancelamento de conexao forcado",
  );
  await eve.sendRaw(bytes(`:tab\t\t\t\t\t\t\tfim\n`));
  assert.equal(await ana.expect("PUBLICA"), "PUBLICA eve: tab    fim");
  await eve.send(":a    b");
  assert.equal(await ana.expect("PUBLICA"), "PUBLICA eve: a    b");
});
