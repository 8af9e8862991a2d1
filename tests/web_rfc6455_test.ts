/**
 * The web door's RFC 6455 framing over real sockets, byte by byte (W2, W5):
 * fragments reassembled, control frames between them, ping answered with
 * pong, the close handshake echoing the code; a frame that breaks the
 * protocol (unmasked, RSV bits, a bad opcode or length, a continuation of
 * nothing) closes with 1002, invalid UTF-8 (across fragments too) with 1007,
 * a binary frame with 1003; lengths in 16 and 64 bits; an over-long message
 * gets ERRO 08 and the user stays; the handshake refuses a bad version, key,
 * method or Origin; an idle socket is pinged and, silent, dropped. Whatever
 * one socket does, the others carry on.
 */
import assert from "node:assert/strict";
import { MAX_LINE_BYTES } from "../protocol.ts";
import { WebSocketStream } from "../server/doors/ws.ts";
import { acceptFor, switchAnswer } from "../server/doors/ws_handshake.ts";
import { join } from "./line_client.ts";
import { startWebServer } from "./web_helpers.ts";
import { clientFrame, closePayload, FrameClient } from "./ws_raw.ts";

const decoder = new TextDecoder();

/** Reads text frames until one starts with `prefix`; returns it. */
async function text(client: FrameClient, prefix: string): Promise<string> {
  const seen: string[] = [];
  for (;;) {
    const f = await client.frame();
    if (f === null) throw new Error(`no "${prefix}"; got:\n${seen.join("\n")}`);
    assert.equal(f.masked, false, "a server frame was masked");
    if (f.opcode !== 1) continue;
    const t = decoder.decode(f.payload);
    seen.push(t);
    if (t.startsWith(prefix)) return t;
  }
}

/** Upgrades and joins as `nick`. */
async function joinFrames(port: number, nick: string): Promise<FrameClient> {
  const client = await FrameClient.upgrade(port);
  assert.equal(client.status, 101, client.head);
  await text(client, "APELIDO");
  await client.send(clientFrame(0x81, nick));
  await text(client, "AJUDA");
  return client;
}

Deno.test("W2: the handshake's answer carries RFC 6455's accept; lines come one per unmasked text frame", async () => {
  await using s = startWebServer();
  await using nc = await join(s.tcp.port, "ana");
  using ws = await joinFrames(s.webPort, "bia");
  // RFC 6455 section 1.3: this key's accept.
  assert.match(ws.head, /\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK\+xOo=/i);
  await nc.send(":um");
  await nc.send(":dois");
  assert.equal(await text(ws, "PUBLICA"), "PUBLICA ana: um");
  assert.equal(await text(ws, "PUBLICA"), "PUBLICA ana: dois");
});

Deno.test("W2: a fragmented text message is one line, a ping between its fragments is answered", async () => {
  await using s = startWebServer();
  await using nc = await join(s.tcp.port, "ana");
  using ws = await joinFrames(s.webPort, "bia");
  // ":olá" with the "á" (0xc3 0xa1) split across two fragments; a ping between them.
  await ws.send(clientFrame(0x01, new Uint8Array([0x3a, 0x6f, 0x6c, 0xc3])));
  await ws.send(clientFrame(0x89, "eco"));
  await ws.send(clientFrame(0x00, new Uint8Array([0xa1, 0x20])));
  await ws.send(clientFrame(0x80, "mundo"));
  assert.equal(await nc.expect("PUBLICA"), "PUBLICA bia: ola mundo");
  const pong = await ws.frame();
  assert.equal(pong?.opcode, 10);
  assert.equal(decoder.decode(pong!.payload), "eco");
  await ws.send(clientFrame(0x8a, "")); // an unasked pong is fine
  await ws.send(clientFrame(0x81, ":depois"));
  assert.equal(await nc.expect("PUBLICA"), "PUBLICA bia: depois");
});

Deno.test("W2: lengths in 7, 16 and 64 bits are read; a message over the limit gets ERRO 08", async () => {
  await using s = startWebServer();
  await using nc = await join(s.tcp.port, "ana");
  using ws = await joinFrames(s.webPort, "bia");
  await ws.send(clientFrame(0x81, ":curto", { length64: true }));
  assert.equal(await nc.expect("PUBLICA"), "PUBLICA bia: curto");
  await ws.send(clientFrame(0x81, ":" + "m".repeat(300)));
  assert.equal(await nc.expect("PUBLICA"), `PUBLICA bia: ${"m".repeat(300)}`.slice(0, 314));
  await ws.send(clientFrame(0x81, ":" + "x".repeat(70_000))); // 64-bit length, over the limit
  await text(ws, "ERRO 08");
  // Over the limit in fragments too, and the user stays.
  await ws.send(clientFrame(0x01, ":" + "y".repeat(MAX_LINE_BYTES)));
  await ws.send(clientFrame(0x80, "y".repeat(MAX_LINE_BYTES)));
  await text(ws, "ERRO 08");
  await ws.send(clientFrame(0x81, ":fim"));
  assert.equal(await nc.expect("PUBLICA bia: fim"), "PUBLICA bia: fim");
});

Deno.test("W2: the close handshake: the browser's code is echoed, the socket ends, others carry on", async () => {
  await using s = startWebServer();
  await using nc = await join(s.tcp.port, "ana");
  for (
    const [payload, echoed] of [[closePayload(1001, "tchau"), 1001], [new Uint8Array(0), 1000]]
  ) {
    using ws = await joinFrames(s.webPort, "bia");
    await nc.expect("ENTROU bia");
    await ws.send(clientFrame(0x88, payload as Uint8Array));
    assert.equal(await ws.closeCode(), echoed);
    assert.ok(await ws.ended(), "the server did not end the stream");
    await nc.expect("SAIU bia");
  }
  await nc.send("{users}");
  await nc.expect("USUARIOS 1 online: ana");
});

Deno.test("W2: {quit} ends with the close frame 1000 after the last line", async () => {
  await using s = startWebServer();
  using ws = await joinFrames(s.webPort, "bia");
  await ws.send(clientFrame(0x81, "{quit}"));
  await text(ws, "TCHAU");
  assert.equal(await ws.closeCode(), 1000);
  await ws.send(clientFrame(0x88, closePayload(1000)));
  assert.ok(await ws.ended());
});

Deno.test("W5: frames that break RFC 6455 close that socket with 1002, 1003 or 1007; others carry on", async () => {
  await using s = startWebServer();
  await using nc = await join(s.tcp.port, "ana");
  const cases: [string, Uint8Array[], number][] = [
    ["an unmasked frame", [clientFrame(0x81, ":x", { mask: false })], 1002],
    ["RSV1 without an extension", [clientFrame(0xc1, ":x")], 1002],
    ["RSV3", [clientFrame(0x91, ":x")], 1002],
    ["opcode 3", [clientFrame(0x83, "x")], 1002],
    ["opcode 0xB", [clientFrame(0x8b, "")], 1002],
    ["a continuation of nothing", [clientFrame(0x80, "x")], 1002],
    [
      "a text frame inside a fragmented message",
      [clientFrame(0x01, ":a"), clientFrame(0x81, "b")],
      1002,
    ],
    ["a fragmented ping", [clientFrame(0x09, "p")], 1002],
    ["a ping of 126 bytes", [clientFrame(0x89, "p".repeat(126))], 1002],
    ["a close of one byte", [clientFrame(0x88, new Uint8Array([3]))], 1002],
    ["a close with code 1005", [clientFrame(0x88, closePayload(1005))], 1002],
    ["a 64-bit length with its top bit set", [
      new Uint8Array([0x81, 0xff, 0x80, 0, 0, 0, 0, 0, 0, 1, 1, 2, 3, 4]),
    ], 1002],
    ["a binary frame", [clientFrame(0x82, new Uint8Array([1, 2]))], 1003],
    ["a fragmented binary message", [clientFrame(0x02, new Uint8Array([1]))], 1003],
    ["invalid UTF-8", [clientFrame(0x81, new Uint8Array([0x3a, 0xc3, 0x28]))], 1007],
    ["invalid UTF-8 across fragments", [
      clientFrame(0x01, new Uint8Array([0x3a, 0xe2, 0x82])),
      clientFrame(0x80, new Uint8Array([0x28])),
    ], 1007],
    [
      "a sequence cut at the message's end",
      [clientFrame(0x81, new Uint8Array([0x3a, 0xe2, 0x82]))],
      1007,
    ],
    [
      "a close reason in invalid UTF-8",
      [clientFrame(0x88, new Uint8Array([0x03, 0xe8, 0xff]))],
      1007,
    ],
    [
      "garbage",
      [new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff])],
      1002,
    ],
  ];
  for (const [what, frames, code] of cases) {
    using ws = await joinFrames(s.webPort, "bia");
    await nc.expect("ENTROU bia");
    for (const f of frames) await ws.send(f);
    assert.equal(await ws.closeCode(), code, what);
    assert.ok(await ws.ended(), `${what}: the stream did not end`);
    await nc.expect("SAIU bia");
  }
  await nc.send("{users}");
  await nc.expect("USUARIOS 1 online: ana");
});

Deno.test("W2: a browser gone in the middle of a frame, or of a message, is told as a leave", async () => {
  await using s = startWebServer();
  await using nc = await join(s.tcp.port, "ana");
  const halves = [
    clientFrame(0x81, ":metade").subarray(0, 3), // inside the header
    clientFrame(0x81, ":metade").subarray(0, 9), // inside the payload
    clientFrame(0x01, ":so o comeco"), // a message never finished
  ];
  for (const half of halves) {
    const ws = await joinFrames(s.webPort, "bia");
    await nc.expect("ENTROU bia");
    await ws.send(half);
    ws[Symbol.dispose]();
    await nc.expect("SAIU bia");
  }
  await nc.send("{users}");
  await nc.expect("USUARIOS 1 online: ana");
});

Deno.test("W5: the handshake refuses a bad version, key, method, Connection, Origin; another path is not found", async () => {
  await using s = startWebServer();
  const refused: [string, Record<string, string | null>, number, RegExp?][] = [
    ["version 8", { "Sec-WebSocket-Version": "8" }, 426, /sec-websocket-version: 13/i],
    ["no version", { "Sec-WebSocket-Version": null }, 426, /sec-websocket-version: 13/i],
    ["no key", { "Sec-WebSocket-Key": null }, 400],
    ["a key of 4 bytes", { "Sec-WebSocket-Key": "AAAAAA==" }, 400],
    ["Upgrade: h2c", { Upgrade: "h2c" }, 426],
    ["a foreign Origin", { Origin: "http://evil.example" }, 403],
    ["no Connection: Upgrade", { Connection: "keep-alive" }, 426],
  ];
  for (const [what, headers, status, header] of refused) {
    using ws = await FrameClient.upgrade(s.webPort, headers);
    assert.equal(ws.status, status, `${what}: ${ws.head}`);
    assert.match(ws.head, /content-security-policy/i, what);
    if (header) assert.match(ws.head, header, what);
  }
  for (
    const [line, status] of [["POST /ws HTTP/1.1", 405], ["GET /lecture HTTP/1.1", 404]] as const
  ) {
    using ws = await FrameClient.upgrade(s.webPort, {}, line);
    assert.equal(ws.status, status, line);
  }
  using ok = await FrameClient.upgrade(s.webPort, { Origin: `http://127.0.0.1:${s.webPort}` });
  assert.equal(ok.status, 101);
  await text(ok, "APELIDO");
});

/** A WebSocketStream on a socket of our own listener, its idle timer short, and a client of it. */
async function idleStream(idleMs: number) {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const opened = (async () => {
    const conn = await listener.accept();
    const buf = new Uint8Array(4096);
    let request = "";
    while (!request.includes("\r\n\r\n")) {
      request += decoder.decode(buf.subarray(0, (await conn.read(buf)) ?? 0));
    }
    const key = /sec-websocket-key: *(\S+)/i.exec(request)![1]!;
    await conn.write(switchAnswer(await acceptFor(key)));
    const gone = Promise.withResolvers<void>();
    const stream = new WebSocketStream(conn, undefined, undefined, () => gone.resolve(), idleMs);
    return { stream, gone: gone.promise };
  })();
  const client = await FrameClient.upgrade(listener.addr.port);
  const { stream, gone } = await opened;
  listener.close();
  return { client, stream, gone };
}

Deno.test("W2: an idle socket is pinged; a pong keeps it; silence after the ping drops it", async () => {
  const { client, stream, gone } = await idleStream(100);
  using _client = client;
  // A read waits, as the chat server's does: the frames are read only while it reads.
  const reading = stream.read(new Uint8Array(1024)).catch(() => null);
  let ping = await client.frame();
  assert.equal(ping?.opcode, 9);
  await client.send(clientFrame(0x8a, ping!.payload)); // the pong: the socket stays
  ping = await client.frame();
  assert.equal(ping?.opcode, 9, "pinged again after more quiet");
  // No pong this time: the socket is closed.
  assert.ok(await client.ended(), "the silent socket was not dropped");
  await gone;
  await reading;
  stream.close();
});

Deno.test("W2 L7: a ping flood from a socket that does not read keeps one pong waiting, the latest ping's (RFC 6455 5.5.3)", async () => {
  await using s = startWebServer();
  using ws = await joinFrames(s.webPort, "bia");
  const pings = 100_000; // 12.7 MB of pongs: more than the kernel's buffers hold
  const payload = (i: number) => String(i).padStart(120, "p");
  for (let at = 0; at < pings; at += 1000) {
    const frames = [];
    for (let i = at; i < at + 1000; i++) frames.push(clientFrame(0x89, payload(i)));
    const bytes = new Uint8Array(frames.reduce((n, f) => n + f.length, 0));
    let to = 0;
    for (const f of frames) {
      bytes.set(f, to);
      to += f.length;
    }
    await ws.send(bytes);
  }
  await ws.send(clientFrame(0x81, "{users}"));
  let pongs = 0;
  let last = "";
  for (;;) {
    const f = await ws.frame();
    assert.ok(f !== null, "the socket ended");
    if (f.opcode === 10) {
      pongs++;
      last = decoder.decode(f.payload);
    } else if (f.opcode === 1 && decoder.decode(f.payload).startsWith("USUARIOS")) break;
  }
  assert.ok(pongs < pings, `every ping's pong was kept (${pongs})`);
  assert.equal(last, payload(pings - 1));
});
