/**
 * The web door under L7 over real sockets: a browser that stops reading
 * fills its own queue only and is dropped as a TCP client is (ERRO 03, then
 * the close); a WebSocket user and a TCP user who read get every line, in
 * order. And the door's write itself: whole lines, one message each (W2),
 * at most WS_WRITE_MOST bytes of them per write.
 */
import assert from "node:assert/strict";
import { WS_WRITE_MOST } from "../server/doors/ws.ts";
import { BURST_FACTOR } from "../server/outgoing.ts";
import { join } from "./line_client.ts";
import { linesStarting } from "./load_helpers.ts";
import { joinWeb, RawWebSocket, startWebServer } from "./web_helpers.ts";
import { upgradeAccepted } from "./ws_raw.ts";

const encoder = new TextEncoder();
const ERR_QUEUE_FULL = "ERRO 03 Cancelamento de conexao forcado: cliente nao le o que recebe";

Deno.test("L7, W2: a web user that stops reading is dropped like a TCP one; readers get every line", async () => {
  const maxQueueBytes = 64 * 1024;
  await using s = startWebServer({ maxQueueBytes, floodBurst: 0 });
  const stats = s.tcp.server.stats;
  await using reader = await join(s.tcp.port, "reader");
  await using flooder = await join(s.tcp.port, "flooder");
  await using webReader = await joinWeb(s.webPort, "leitor");
  await using slow = await joinWeb(s.webPort, "slow");
  slow.pause(); // its socket is read no more: the kernel's buffers fill, then its queue
  await reader.expect("ENTROU slow");
  await webReader.expect("ENTROU slow");

  const pad = "x".repeat(1000);
  const maxLines = 30_000; // 30 MB: well past any socket buffers
  let sent = 0;
  let seen = 0; // lines of the reader's before the batch under way
  while (stats.droppedSlowReaders === 0 && sent < maxLines) {
    const lines: string[] = [];
    for (let i = 0; i < 20; i++) lines.push(`:${String(sent++).padStart(6, "0")} ${pad}\n`);
    await flooder.sendRaw(encoder.encode(lines.join("")));
    const last = `PUBLICA flooder: ${String(sent - 1).padStart(6, "0")} `;
    await reader.waitFor(
      () => reader.received.some((l, i) => i >= seen && l.startsWith(last)),
      "a batch",
    );
    seen = reader.received.length;
    await webReader.expect(last);
  }
  assert.equal(stats.droppedSlowReaders, 1, `not dropped after ${sent} lines`);
  assert.equal(await reader.expect("SAIU slow"), "SAIU slow saiu do chat");
  assert.ok(webReader.texts.includes("SAIU slow saiu do chat"), "no SAIU at the web reader");

  // Its bytes waited in its queue, bounded as a TCP client's.
  const peak = stats.peakConnectionBytes;
  assert.ok(peak <= maxQueueBytes * BURST_FACTOR + 1100, `a queue reached ${peak} bytes`);

  // Reading again, it finds whole lines in order, then ERRO 03, then the close.
  slow.resume();
  await slow.closed();
  const texts = slow.texts.filter((t) => !t.startsWith("PUBLICA leitor"));
  assert.equal(texts.at(-1), ERR_QUEUE_FULL);
  const numbers = texts.filter((t) => t.startsWith("PUBLICA flooder: ")).map((t) =>
    t.slice(17, 23)
  );
  assert.ok(numbers.length > 0 && numbers.length < sent, `${numbers.length} of ${sent}`);
  numbers.forEach((n, i) => assert.equal(Number(n), i));
  assert.equal(slow.closeCode, 1000);

  // Those who read got every line, in order, and go on.
  for (
    const got of [
      linesStarting(reader, "PUBLICA flooder: "),
      webReader.texts.filter((t) => t.startsWith("PUBLICA flooder: ")),
    ]
  ) {
    assert.equal(got.length, sent);
    got.forEach((line, i) => assert.equal(line.slice(17, 23), String(i).padStart(6, "0")));
  }
  await flooder.send(":depois");
  await reader.expect("PUBLICA flooder: depois");
  await webReader.expect("PUBLICA flooder: depois");
  assert.ok(
    s.tcp.logs.some((l) => l.includes(" slow ") && l.includes("queueFull")),
    s.tcp.logs.join("\n"),
  );
});

Deno.test("WebSocketStream.write() takes whole lines, at most WS_WRITE_MOST bytes of them, one message each (W2, L7)", async () => {
  using listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const opened = listener.accept().then(upgradeAccepted);
  await using client = await RawWebSocket.connect(listener.addr.port, null, "/");
  const stream = await opened;
  const long = "y".repeat(WS_WRITE_MOST + 100); // one line longer than the most still leaves whole
  const lines = [...Array.from({ length: 5000 }, (_, i) => `PUBLICA ana: ${i}`), long, "fim"];
  const bytes = encoder.encode(lines.map((l) => l + "\r\n").join(""));
  const takes: Uint8Array[] = [];
  for (let at = 0; at < bytes.length;) {
    const n = await stream.write(bytes.subarray(at));
    takes.push(bytes.subarray(at, at + n));
    at += n;
  }
  assert.ok(takes.length > 1, "everything in one write");
  for (const take of takes) {
    const text = new TextDecoder().decode(take);
    assert.ok(text.endsWith("\r\n"), "a write took part of a line");
    const count = text.split("\r\n").length - 1;
    assert.ok(count === 1 || take.length <= WS_WRITE_MOST, `a write took ${take.length} bytes`);
  }
  await client.expect("fim");
  assert.deepEqual(client.texts, lines);
  stream.close();
  await client.closed();
  assert.equal(client.closeCode, 1000);
});
