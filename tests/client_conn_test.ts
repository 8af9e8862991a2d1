/**
 * The one line client's mechanism, ClientConn (issue 20 item 5), over a real
 * TCP socket on 127.0.0.1 port 0: what it keeps, its waits, its sends once
 * the connection is gone, and its byte cap.
 */
import assert from "node:assert/strict";
import { ClientConn, ConnectionLostError } from "../conformance/client_conn.ts";
import { WAIT_MS } from "./wait.ts";

/** A server that writes `bytes` to the first client, then closes it. */
async function sending(
  bytes: Uint8Array,
): Promise<{ conn: Deno.TcpConn; served: Promise<void>; listener: Deno.TcpListener }> {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const served = (async () => {
    const peer = await listener.accept();
    let at = 0;
    while (at < bytes.length) at += await peer.write(bytes.subarray(at));
    peer.close();
  })();
  const conn = await Deno.connect({ hostname: "127.0.0.1", port: listener.addr.port });
  return { conn, served, listener };
}

Deno.test("ClientConn keeps the raw bytes, hands on the text and keeps telnet apart", async () => {
  const wire = Uint8Array.of(0x6f, 0x69, 0xff, 0xfb, 0x01, 0x0d, 0x0a);
  const { conn, served, listener } = await sending(wire);
  const text: number[] = [];
  const c = new ClientConn(conn, { text: (b) => text.push(...b) });
  assert.equal(await c.until(() => c.done, WAIT_MS), true);
  assert.deepEqual(c.raw, [...wire]);
  assert.deepEqual(text, [0x6f, 0x69, 0x0d, 0x0a]);
  assert.deepEqual(c.negotiation, [[0xff, 0xfb, 0x01]]);
  assert.equal(c.ended, true, "the server closed it");
  assert.equal(await c.until(() => false, WAIT_MS), false, "no wait outlives the end");
  await c.close();
  await served;
  listener.close();
});

Deno.test("ClientConn stops reading past maxBytes and says it was flooded", async () => {
  const { conn, served, listener } = await sending(new Uint8Array(64 * 1024).fill(0x61));
  const c = new ClientConn(conn, { text: () => {}, maxBytes: 1000, readSize: 512 });
  await c.until(() => c.done, WAIT_MS);
  assert.equal(c.flooded, true);
  assert.ok(c.raw.length <= 1000, `kept ${c.raw.length} bytes`);
  await c.close();
  await served.catch(() => {}); // the server's write may meet the closed socket
  listener.close();
});

Deno.test("ClientConn.send() after close throws ConnectionLostError", async () => {
  const { conn, served, listener } = await sending(new Uint8Array(0));
  const c = new ClientConn(conn, { text: () => {} });
  await c.close();
  await assert.rejects(c.send(Uint8Array.of(0x61)), ConnectionLostError);
  await served;
  listener.close();
});
