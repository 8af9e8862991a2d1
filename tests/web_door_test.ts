/**
 * The web door (W1, W2, W5) over real sockets: a WebSocket user (a client
 * written from RFC 6455) and an nc user chat both ways under the same rules;
 * the door refuses a foreign Origin, binary and broken frames, answers an
 * over-long message with ERRO 08 and a flood with ERRO 10, survives abrupt
 * disconnects, and HTTP answers only its fixed paths, with a content security
 * policy.
 */
import assert from "node:assert/strict";
import net from "node:net";
import { MAX_LINE_BYTES } from "../protocol.ts";
import { join } from "./line_client.ts";
import { clientFrame } from "./web_frames.ts";
import { joinWeb, RawWebSocket, startWebServer } from "./web_helpers.ts";

Deno.test("W2: a WebSocket user and an nc user chat both ways, public and private", async () => {
  await using s = startWebServer();
  await using nc = await join(s.tcp.port, "ana");
  await using ws = await joinWeb(s.webPort, "bia");
  await nc.expect("ENTROU bia");
  await ws.send(":oi ana");
  assert.equal(await nc.expect("PUBLICA"), "PUBLICA bia: oi ana");
  await nc.send(":oi bia");
  assert.equal(await ws.expect("PUBLICA ana"), "PUBLICA ana: oi bia");
  await ws.send("ana:segredo");
  assert.match(await nc.expect("PRIVADA"), /bia: segredo$/);
  await ws.expect("OK");
  await nc.send("bia:outro");
  assert.match(await ws.expect("PRIVADA"), /ana: outro$/);
  await ws.send("{quit}");
  await ws.expect("TCHAU");
  await nc.expect("SAIU bia");
});

Deno.test("W2: accents fold to ASCII over the door as over TCP (X3); the door is named web", async () => {
  await using s = startWebServer();
  await using nc = await join(s.tcp.port, "ana");
  await using ws = await joinWeb(s.webPort, "bia");
  await ws.send(":olá, você");
  assert.equal(await nc.expect("PUBLICA"), "PUBLICA bia: ola, voce");
  assert.ok(s.lecture.events().some((e) => e.kind === "accept" && e.door === "web"));
});

Deno.test("W5: a message over the line limit gets ERRO 08 and the user stays", async () => {
  await using s = startWebServer();
  await using nc = await join(s.tcp.port, "ana");
  await using ws = await joinWeb(s.webPort, "bia");
  await ws.send(":" + "x".repeat(MAX_LINE_BYTES * 3));
  await ws.expect("ERRO 08");
  await ws.send(":depois");
  assert.equal(await nc.expect("PUBLICA"), "PUBLICA bia: depois");
});

Deno.test("W5: a flood over the WebSocket gets ERRO 10", async () => {
  await using s = startWebServer({ floodBurst: 3, floodRate: 1 });
  await using ws = await joinWeb(s.webPort, "bia");
  for (let i = 0; i < 10; i++) await ws.send(`:${i}`);
  await ws.expect("ERRO 10");
});

Deno.test("W5: a binary frame is refused with close 1003; others go on", async () => {
  await using s = startWebServer();
  await using nc = await join(s.tcp.port, "ana");
  await using ws = await joinWeb(s.webPort, "bia");
  await ws.frame(2, new Uint8Array([0xff, 0x00, 0x01]));
  await ws.closed();
  assert.equal(ws.closeCode, 1003);
  await nc.expect("SAIU bia");
  await nc.send("{users}");
  await nc.expect("USUARIOS 1 online: ana");
});

Deno.test("W5: garbage frames (bad opcode, invalid UTF-8, raw bytes) close that socket only", async () => {
  await using s = startWebServer();
  await using nc = await join(s.tcp.port, "ana");
  // Every broken frame, one by one, with its close code: web_frames_test.ts.
  const garbage: ((ws: RawWebSocket) => Promise<void>)[] = [
    (ws) => ws.frame(3, new Uint8Array([1, 2])),
    (ws) => ws.frame(1, new Uint8Array([0x3a, 0xc3, 0x28])),
    (ws) => ws.raw(new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff])),
  ];
  for (const send of garbage) {
    await using ws = await joinWeb(s.webPort, "bia");
    await nc.expect("ENTROU bia");
    await send(ws);
    await ws.closed();
    await nc.expect("SAIU bia");
  }
  await nc.send("{users}");
  await nc.expect("USUARIOS 1 online: ana");
});

Deno.test("W2: an abrupt disconnect is told as a leave", async () => {
  await using s = startWebServer();
  await using nc = await join(s.tcp.port, "ana");
  const ws = await joinWeb(s.webPort, "bia");
  await nc.expect("ENTROU bia");
  await ws.abort();
  await nc.expect("SAIU bia");
});

Deno.test("W5: a foreign Origin is refused; the page's own, --web-origin's and none are let in", async () => {
  await using s = startWebServer({}, ["https://proxy.example"]);
  const foreign = await RawWebSocket.connect(s.webPort, "http://evil.example");
  assert.equal(foreign.status, 403);
  const lookalike = await RawWebSocket.connect(s.webPort, `http://127.0.0.1:${s.webPort}.evil`);
  assert.equal(lookalike.status, 403);
  for (const origin of [`http://127.0.0.1:${s.webPort}`, "https://proxy.example", null]) {
    await using ws = await RawWebSocket.connect(s.webPort, origin);
    assert.equal(ws.status, 101, `origin ${origin}`);
    await ws.expect("APELIDO");
  }
});

Deno.test("W5: HTTP answers its fixed paths only, each with a content security policy", async () => {
  await using s = startWebServer();
  const base = `http://127.0.0.1:${s.webPort}`;
  const get = async (path: string, init?: RequestInit) => {
    const r = await fetch(base + path, init);
    await r.body?.cancel();
    return r;
  };
  for (
    const path of [
      "/",
      "/chat.js",
      "/style.css",
      "/mask.css",
      "/lecture",
      "/lecture.js",
      "/texts.json",
    ]
  ) {
    const r = await get(path);
    assert.equal(r.status, 200, path);
    assert.match(r.headers.get("content-security-policy") ?? "", /default-src 'none'/);
  }
  for (const path of ["/index.html", "/../deno.json", "/%2e%2e/server.ts", "/server.ts", "/ws/x"]) {
    assert.equal((await get(path)).status, 404, path);
  }
  assert.equal((await get("/", { method: "POST", body: "x" })).status, 405);
  assert.equal((await get("/ws")).status, 426);
  const raw = await Deno.connect({ hostname: "127.0.0.1", port: s.webPort });
  await raw.write(new TextEncoder().encode("\x00\xff garbage \r\n\r\n"));
  const buf = new Uint8Array(1024);
  const n = await raw.read(buf);
  assert.match(new TextDecoder().decode(buf.subarray(0, n ?? 0)), /^HTTP\/1\.1 4\d\d/);
  raw.close();
  const page = await (await fetch(base + "/")).text();
  assert.doesNotMatch(page, /https?:\/\//, "the page loads nothing from the internet");
});

Deno.test("W2: lock and kick reach the WebSocket user", async () => {
  await using s = startWebServer({ adminToken: "segredo1" });
  await using teacher = await join(s.tcp.port, "prof");
  await teacher.send("{admin segredo1}");
  await teacher.expect("OK");
  await using ws = await joinWeb(s.webPort, "bia");
  await teacher.send("{lock}");
  await ws.expect("AVISO");
  await teacher.send("{kick bia}");
  await ws.closed();
  assert.ok(ws.texts.some((t) => /^ERRO|^AVISO|^SAIU/.test(t)));
});

/** Connects, writes `request` and resets the connection (RST) at once, as a rude client does. */
function resetAfter(port: number, request: string): Promise<void> {
  return new Promise((resolve) => {
    const socket = net.connect(port, "127.0.0.1", () => {
      socket.write(request, () => {
        socket.resetAndDestroy();
        resolve();
      });
    });
    socket.on("error", () => resolve());
  });
}

Deno.test("W5: clients that reset their socket mid-answer leave the door answering (review)", async () => {
  await using s = startWebServer();
  const host = `Host: 127.0.0.1:${s.webPort}\r\n`;
  const requests = [
    `GET /ws HTTP/1.1\r\n${host}Upgrade: websocket\r\nConnection: Upgrade\r\n` +
    `Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n` +
    `Origin: http://evil.example\r\n\r\n`,
    `GET /ws HTTP/1.1\r\n${host}Upgrade: websocket\r\nConnection: Upgrade\r\n` +
    `Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`,
    `GET / HTTP/1.1\r\n${host}\r\n`,
    `GET / HTTP/1.1\r\n${host}X-Half: `,
    "garbage\r\n\r\n",
  ];
  for (let round = 0; round < 3; round++) {
    for (const request of requests) await resetAfter(s.webPort, request);
  }
  const page = await fetch(`http://127.0.0.1:${s.webPort}/`);
  assert.equal(page.status, 200);
  await page.body?.cancel();
  await using ws = await joinWeb(s.webPort, "ana");
  await ws.send(":ainda aqui");
});

Deno.test("W2: a message holding a line break is refused whole with ERRO 07; one line end at its end is the line's end", async () => {
  await using s = startWebServer();
  await using nc = await join(s.tcp.port, "ana");
  const ws = await RawWebSocket.connect(s.webPort);
  await ws.expect("APELIDO");
  await ws.send("bia\nana"); // before the nickname too: refused, the prompt stays
  assert.match(await ws.expect("ERRO 07"), /uma linha/);
  await ws.send("bia\n"); // a page that ends its message with a line end
  await ws.expect("BEMVINDO");
  await nc.expect("ENTROU bia");
  for (
    const text of [":um\n:dois", ":um\r:dois", ":um\r\n:dois", ":um\n\n", "\n:um", ":olá\nvocê"]
  ) {
    await ws.send(text);
    assert.match(await ws.expect("ERRO 07"), /uma linha/, JSON.stringify(text));
  }
  await ws.send(":com fim\n");
  assert.equal(await nc.expect("PUBLICA"), "PUBLICA bia: com fim", "nothing of the refused ones");
  await ws.send(":com CRLF\r\n");
  assert.equal(await nc.expect("PUBLICA"), "PUBLICA bia: com CRLF");
  await ws.send("ana:a sós\r");
  assert.match(await nc.expect("PRIVADA"), /bia: a sos$/);
  await ws.send(":" + "x".repeat(MAX_LINE_BYTES - 1) + "\r\n"); // at the limit, and its line end
  assert.match(await nc.expect("PUBLICA"), /^PUBLICA bia: x{1023}$/);
  await ws.send(":" + "x\n".repeat(MAX_LINE_BYTES)); // too long as well: ERRO 08 says so
  await ws.expect("ERRO 08");
  await ws.send(":fim");
  assert.equal(await nc.expect("PUBLICA"), "PUBLICA bia: fim");
  await ws.abort();
});

Deno.test("W2: messages with line breaks from a browser that stops reading: each refused in its turn, through the connection's queue; the user carries on", async () => {
  await using s = startWebServer();
  await using nc = await join(s.tcp.port, "ana");
  await using ws = await joinWeb(s.webPort, "bia");
  ws.pause();
  // Lines like any other (within flood control's burst, L4): each gets its answer, none is lost.
  const payload = ":" + "a\nb".repeat(300);
  for (let i = 0; i < 10; i++) await ws.send(payload);
  ws.resume();
  await ws.send(":depois");
  assert.equal(await nc.expect("PUBLICA"), "PUBLICA bia: depois", "none of them went out");
  for (let i = 0; i < 10; i++) await ws.expect("ERRO 07");
  assert.equal(ws.texts.filter((t) => t.startsWith("ERRO 07")).length, 10);
});

Deno.test("W2 (review): the ERRO 07 of a message with a line break comes after the answers to the lines before it", async () => {
  await using s = startWebServer();
  await using ws = await joinWeb(s.webPort, "bia");
  const first = clientFrame(1, new TextEncoder().encode("ze:oi")); // ERRO 02: nobody called ze
  const second = clientFrame(1, new TextEncoder().encode("a\nb"));
  const both = new Uint8Array(first.length + second.length);
  both.set(first);
  both.set(second, first.length);
  await ws.raw(both);
  const errors = [await ws.expect("ERRO"), await ws.expect("ERRO")].map((t) => t.slice(0, 7));
  assert.deepEqual(errors, ["ERRO 02", "ERRO 07"]);
  // Refused messages, then an abrupt disconnect: the session ends, the room goes on.
  await using nc = await join(s.tcp.port, "ana");
  await ws.raw(both);
  await ws.raw(second);
  await ws.abort();
  await nc.expect("SAIU bia");
  await using again = await joinWeb(s.webPort, "bia");
  await again.send(":de volta");
  assert.equal(await nc.expect("PUBLICA"), "PUBLICA bia: de volta");
});
