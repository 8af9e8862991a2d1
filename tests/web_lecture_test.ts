/**
 * The lecture view's model and feed (W3) over real sockets: an nc session's
 * events with the line boundaries (a line split over two reads, three lines
 * in one read), the feed as server-sent events for this computer only (from
 * elsewhere after the token is given in a POST), and the token never shown
 * (L8).
 */
import assert from "node:assert/strict";
import type { LectureEvent } from "../server/web/lecture_model.ts";
import { join, LineClient } from "./line_client.ts";
import { until, WAIT_MS } from "./wait.ts";
import { joinWeb, startWebServer, type WebTestServer } from "./web_helpers.ts";

/** Waits until the model holds an event that `match` accepts. */
async function eventLike(
  s: WebTestServer,
  match: (e: LectureEvent) => boolean,
): Promise<LectureEvent> {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const found = s.lecture.events().find(match);
    if (found !== undefined) return found;
    if (Date.now() > deadline) {
      throw new Error(
        `no such event in:\n${s.lecture.events().map((e) => JSON.stringify(e)).join("\n")}`,
      );
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Reads server-sent events from the feed until `done` says so; returns the events read. */
async function readFeed(
  response: Response,
  done: (events: LectureEvent[]) => boolean,
): Promise<LectureEvent[]> {
  const events: LectureEvent[] = [];
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  try {
    const deadline = Date.now() + WAIT_MS;
    while (!done(events)) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const late = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`feed: ${JSON.stringify(events)}`)),
          deadline - Date.now(),
        );
      });
      const { value, done: end } = await Promise.race([reader.read(), late]).finally(() =>
        clearTimeout(timer)
      );
      if (end) break;
      text += value;
      for (let at = text.indexOf("\n\n"); at >= 0; at = text.indexOf("\n\n")) {
        const block = text.slice(0, at);
        text = text.slice(at + 2);
        if (block.startsWith("data: ")) events.push(JSON.parse(block.slice(6)));
      }
    }
  } finally {
    await reader.cancel();
  }
  return events;
}

Deno.test("W3: an nc session's lanes: accept, a line split over two reads, three lines in one", async () => {
  await using s = startWebServer();
  await using nc = await LineClient.connect(s.tcp.port);
  await nc.expect("APELIDO");
  const accept = await eventLike(s, (e) => e.kind === "accept");
  assert.equal(accept.door, "tcp");
  assert.equal(accept.peer, `127.0.0.1:${nc.localPort}`);
  await eventLike(s, (e) => e.kind === "send" && /^"APELIDO/.test(e.text ?? ""));
  await nc.send("ana");
  await nc.expect("AJUDA");
  await nc.sendRaw(new TextEncoder().encode(":o"));
  const first = await eventLike(s, (e) => e.kind === "recv" && e.partial === ":o");
  assert.deepEqual(first.lines, []);
  assert.equal(first.bytes, 2);
  await nc.sendRaw(new TextEncoder().encode("i\n"));
  const second = await eventLike(s, (e) => e.kind === "recv" && e.text === '"i\\n"');
  assert.deepEqual(second.lines, [":oi"]);
  assert.equal(second.partial, undefined);
  await nc.sendRaw(new TextEncoder().encode(":um\n:dois\n:tres\n"));
  const three = await eventLike(s, (e) => e.kind === "recv" && (e.lines?.length ?? 0) === 3);
  assert.deepEqual(three.lines, [":um", ":dois", ":tres"]);
  await nc.close();
  const close = await eventLike(s, (e) => e.kind === "close");
  assert.equal(close.conn, accept.conn);
  assert.ok(close.cause !== undefined);
});

Deno.test("W3: the feed gives this computer the events kept, then each new one", async () => {
  await using s = startWebServer();
  await using nc = await join(s.tcp.port, "ana");
  const response = await fetch(`http://127.0.0.1:${s.webPort}/lecture/events`);
  assert.equal(response.status, 200);
  assert.match(response.headers.get("content-type") ?? "", /^text\/event-stream/);
  const reading = readFeed(response, (events) => events.some((e) => e.text === '":depois\\n"'));
  await nc.send(":depois");
  const events = await reading;
  assert.equal(events[0]!.kind, "accept");
  assert.ok(events.some((e) => e.kind === "recv" && e.lines?.[0] === "ana"));
});

Deno.test("W3: from another computer the feed needs the token, given in a POST, never in a URL", async () => {
  await using s = startWebServer({ adminToken: "segredo1" }, [], () => false);
  const base = `http://127.0.0.1:${s.webPort}`;
  const refused = await fetch(`${base}/lecture/events`);
  assert.equal(refused.status, 403);
  await refused.body?.cancel();
  const wrong = await fetch(`${base}/lecture/login`, { method: "POST", body: "errado" });
  assert.equal(wrong.status, 403);
  await wrong.body?.cancel();
  const asGet = await fetch(`${base}/lecture/login?token=segredo1`);
  assert.equal(asGet.status, 405);
  await asGet.body?.cancel();
  const right = await fetch(`${base}/lecture/login`, { method: "POST", body: "segredo1" });
  assert.equal(right.status, 204);
  const cookie = (right.headers.get("set-cookie") ?? "").split(";")[0]!;
  assert.match(cookie, /^papo_lecture=/);
  assert.doesNotMatch(right.headers.get("set-cookie") ?? "", /segredo1/);
  const feed = await fetch(`${base}/lecture/events`, { headers: { cookie } });
  assert.equal(feed.status, 200);
  await feed.body?.cancel();
  const forged = await fetch(`${base}/lecture/events`, { headers: { cookie: "papo_lecture=x" } });
  assert.equal(forged.status, 403);
  await forged.body?.cancel();
});

Deno.test("L8 W3: the token typed in one read never reaches the lecture's events", async () => {
  await using s = startWebServer({ adminToken: "segredo1" });
  await using nc = await join(s.tcp.port, "prof");
  await nc.send("{admin segredo1}");
  await nc.expect("OK");
  await eventLike(s, (e) => e.kind === "recv" && (e.lines?.[0] ?? "").startsWith("{admin"));
  assert.doesNotMatch(JSON.stringify(s.lecture.events()), /segredo1/);
});

Deno.test({
  name: "L8 W3: the token typed in two reads never reaches the lecture's events",
  async fn() {
    await using s = startWebServer({ adminToken: "segredo1" });
    await using nc = await join(s.tcp.port, "prof");
    await nc.sendRaw(new TextEncoder().encode("{adm"));
    await eventLike(s, (e) => e.kind === "recv" && e.partial === "{adm");
    await nc.sendRaw(new TextEncoder().encode("in segredo1}\n"));
    await nc.expect("OK");
    assert.doesNotMatch(JSON.stringify(s.lecture.events()), /segredo1/);
  },
});

Deno.test("W3: the students' WebSocket carries no trace event and no other pair's private text", async () => {
  await using s = startWebServer();
  await using ana = await join(s.tcp.port, "ana");
  await using bia = await join(s.tcp.port, "bia");
  await using caio = await joinWeb(s.webPort, "caio");
  await ana.send("bia:so para voce");
  await bia.expect("PRIVADA");
  await ana.send(":fim");
  await caio.expect("PUBLICA ana: fim");
  const seen = caio.texts.join("\n");
  assert.doesNotMatch(seen, /so para voce|recv|accept/);
});

Deno.test("L8 W3: the token is shown as one fixed mask: nothing tells its length, in one read or two", async () => {
  await using s = startWebServer({ adminToken: "segredo1" });
  await using nc = await join(s.tcp.port, "prof");
  const typed = ["{admin segredo1}", "{admin x}", `{admin ${"y".repeat(40)}}`];
  for (const line of typed) {
    await nc.send(line);
    await nc.expect(line === typed[0] ? "OK" : "ERRO 12");
  }
  const recvs = s.lecture.events().filter((e) =>
    e.kind === "recv" && (e.lines?.[0] ?? "").startsWith("{admin")
  );
  assert.equal(recvs.length, 3);
  for (const e of recvs) {
    assert.equal(e.text, '"{admin ********\\n"', JSON.stringify(e));
    assert.deepEqual(e.lines, ["{admin ********"]);
    assert.equal(e.bytes, recvs[0]!.bytes, "the count shown is the same for every token");
  }
  // Split inside the token: shown up to it; the rest held until the line ends, then the mask once.
  await nc.sendRaw(new TextEncoder().encode("{admin seg"));
  await eventLike(s, (e) => e.kind === "recv" && e.partial === "{admin ");
  await nc.sendRaw(new TextEncoder().encode("redo1}\n"));
  const end = await eventLike(s, (e) => e.kind === "recv" && e.text === '"********\\n"');
  assert.deepEqual(end.lines, ["{admin ********"]);
  assert.doesNotMatch(JSON.stringify(s.lecture.events()), /segredo1|yyy|\{admin x/);
});

/**
 * The feed's events of a session that types `{admin TOKEN}` one byte a read
 * (a slow raw socket), from the first byte of the command on; what differs
 * from one run to another (time, number, port) left out.
 */
async function feedKeyByKey(token: string): Promise<string[]> {
  await using s = startWebServer({ adminToken: token });
  await using nc = await join(s.tcp.port, "prof");
  const response = await fetch(`http://127.0.0.1:${s.webPort}/lecture/events`);
  const reading = readFeed(
    response,
    (events) => events.some((e) => e.kind === "send" && /OK /.test(e.text ?? "")),
  );
  const recvs = () => s.lecture.events().filter((e) => e.kind === "recv").length;
  const typed = `{admin ${token}}\n`;
  for (let i = 0; i < typed.length; i++) {
    const before = recvs();
    await nc.sendRaw(new TextEncoder().encode(typed[i]));
    // The command's keys each show a row; the token's show none, until its line ends.
    if (i < "{admin ".length) await until(() => recvs() > before, "a row");
    else await new Promise((r) => setTimeout(r, 5)); // separate reads (pacing only)
  }
  await nc.expect("OK");
  const events = await reading;
  const from = events.findIndex((e) => e.kind === "recv" && e.text === '"{"');
  return events.slice(from).map(({ seq: _s, time: _t, peer: _p, ...rest }) => JSON.stringify(rest));
}

Deno.test("L8 W3: a token typed key by key: the feed's events are the same for 3 and 19 keys", async () => {
  const short = await feedKeyByKey("abc");
  const long = await feedKeyByKey("abcdefghijklmnopqrs");
  assert.deepEqual(long, short);
  const recvs = short.filter((e) => e.includes('"recv"'));
  assert.equal(recvs.length, 8, recvs.join("\n")); // `{admin `, a key a row; then one row
  assert.match(recvs.at(-1)!, /"text":"\\"\*{8}\\\\n\\"","lines":\["\{admin \*{8}"\]/);
});
