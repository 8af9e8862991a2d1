/**
 * The TLS door (T1), in process: a real TLS client (`Deno.connectTls`) and a
 * plain one chat in one room; the trace marks `accept ... tls` and shows the
 * bytes decrypted; plain text, garbage, silence, an abrupt end and a client
 * that does not trust the certificate each close that socket only, and the
 * server carries on. The certificate is made by openssl (skipped without it).
 */
import assert from "node:assert/strict";
import { PLAINTEXT_ANSWER } from "../server/doors/tls.ts";
import { SocketTrace } from "../server/trace.ts";
import { startServer } from "./helpers.ts";
import { join, LineClient } from "./line_client.ts";
import { pause } from "./wait.ts";
import { contextOf, listenTlsFor, makeCert, NO_OPENSSL, type TestCert } from "./tls_helpers.ts";

const ignore = NO_OPENSSL !== undefined;

/** A TLS client of the door at `port`, trusting `cert`, after its nickname prompt. */
async function tlsJoin(port: number, cert: TestCert, nick?: string): Promise<LineClient> {
  const conn = await Deno.connectTls({ hostname: "127.0.0.1", port, caCerts: [cert.certPem] });
  await conn.handshake();
  const c = LineClient.over(conn);
  await c.expect("APELIDO");
  if (nick !== undefined) {
    await c.send(nick);
    await c.expect("USUARIOS");
  }
  return c;
}

/** Reads until the server closes the socket; returns what came (plain bytes). */
async function readToEnd(conn: Deno.Conn): Promise<string> {
  const chunks: string[] = [];
  const buf = new Uint8Array(4096);
  for (;;) {
    let n: number | null;
    try {
      n = await conn.read(buf);
    } catch {
      n = null; // a reset ends it too
    }
    if (n === null) break;
    chunks.push(new TextDecoder().decode(buf.subarray(0, n)));
  }
  return chunks.join("");
}

Deno.test({
  name: "TLS door: a TLS user and a plain user chat both ways; the trace marks tls, decrypted",
  ignore,
  async fn() {
    const cert = await makeCert();
    const trace: string[] = [];
    await using srv = startServer({ observer: new SocketTrace((l) => trace.push(l)) });
    await using tls = listenTlsFor(srv.server, { context: contextOf(cert), log: () => {} });
    await using bob = await join(srv.port, "bob");
    await using ana = await tlsJoin(tls.port, cert, "ana");
    assert.equal(await bob.expect("ENTROU"), "ENTROU ana entrou no chat");
    await ana.send(":oi, bob");
    assert.equal(await bob.expect("PUBLICA"), "PUBLICA ana: oi, bob");
    await bob.send("ana:oi, ana");
    assert.equal(await ana.expect("PRIVADA"), "PRIVADA Mensagem recebida de: bob: oi, ana");
    await ana.send(":olá"); // accents over TLS: folded to ASCII as on the plain port (X3)
    assert.equal(await bob.expect("PUBLICA"), "PUBLICA ana: ola");
    await ana.send("x".repeat(5000)); // oversize over TLS: ERRO 08, the connection kept
    assert.match(await ana.expect("ERRO"), /^ERRO 08 /);
    await ana.send(":ainda aqui");
    assert.equal(await bob.expect("PUBLICA"), "PUBLICA ana: ainda aqui");
    await ana.close(); // abrupt: no {quit}
    assert.equal(await bob.expect("SAIU"), "SAIU ana saiu do chat");
    const accept = trace.find((l) => / tls /.test(l));
    assert.ok(accept?.includes("accept()"), trace.join("\n"));
    assert.match(accept!, /decrypted; the wire carries them encrypted/);
    assert.ok(
      trace.some((l) => l.includes("recv") && l.includes('":oi, bob\\n"')),
      trace.join("\n"),
    );
    await Deno.remove(cert.dir, { recursive: true });
  },
});

Deno.test({
  name:
    "TLS door: plain text, or silence, on the TLS port gets one plain ERRO 03 line and is closed",
  ignore,
  async fn() {
    const cert = await makeCert();
    const logs: string[] = [];
    await using srv = startServer();
    await using tls = listenTlsFor(srv.server, {
      context: contextOf(cert),
      log: (l) => logs.push(l),
    });
    for (let i = 0; i < 2; i++) {
      const conn = await Deno.connect({ hostname: "127.0.0.1", port: tls.port });
      await conn.write(new TextEncoder().encode("ana\n"));
      assert.equal(await readToEnd(conn), PLAINTEXT_ANSWER);
      conn.close();
    }
    // A plain client that waits for the prompt, saying nothing, is told too (a TLS client speaks first).
    const waiting = await Deno.connect({ hostname: "127.0.0.1", port: tls.port });
    assert.equal(await readToEnd(waiting), PLAINTEXT_ANSWER);
    waiting.close();
    assert.match(PLAINTEXT_ANSWER, /^ERRO 03 .*TLS.*\r\n$/);
    const protocolDoc = await Deno.readTextFile(new URL("../PROTOCOL.md", import.meta.url));
    assert.ok(protocolDoc.includes(PLAINTEXT_ANSWER.trimEnd()), "PROTOCOL.md lacks the line");
    // One log line per address per minute: the second try is not logged again.
    assert.equal(logs.filter((l) => l.includes("plain text")).length, 1, logs.join("\n"));
    await using _ana = await tlsJoin(tls.port, cert, "ana"); // the door still works
    assert.equal(srv.server.stats.open, 1);
    await Deno.remove(cert.dir, { recursive: true });
  },
});

Deno.test({
  name: "TLS door: garbage after a handshake byte, a silent client and a half handshake are closed",
  ignore,
  async fn() {
    const cert = await makeCert();
    const logs: string[] = [];
    await using srv = startServer();
    await using tls = listenTlsFor(srv.server, {
      context: contextOf(cert),
      log: (l) => logs.push(l),
      handshakeTimeoutMs: 300,
    });
    // Garbage that starts as a handshake record: the handshake fails, the socket is closed.
    const garbage = await Deno.connect({ hostname: "127.0.0.1", port: tls.port });
    await garbage.write(new Uint8Array([0x16, 0x03, 0x01, 0x00, 0x05, 1, 2, 3, 4, 5, 0xff, 0]));
    await readToEnd(garbage);
    garbage.close();
    // A client that connects and says nothing: closed when the handshake's time is up.
    const silent = await Deno.connect({ hostname: "127.0.0.1", port: tls.port });
    assert.equal(await readToEnd(silent), "");
    silent.close();
    // A client that starts the handshake and vanishes (an abrupt disconnect).
    const half = await Deno.connect({ hostname: "127.0.0.1", port: tls.port });
    await half.write(new Uint8Array([0x16, 0x03, 0x01, 0x02, 0x00, 0x01]));
    await half.closeWrite();
    assert.equal(await readToEnd(half), "");
    half.close();
    // None of them reached the chat server; a TLS user still gets in.
    await using _ana = await tlsJoin(tls.port, cert, "ana");
    assert.equal(srv.server.stats.open, 1);
    // Three failures from one address within a minute: one log line.
    assert.equal(logs.length, 1, logs.join("\n"));
    assert.match(logs[0]!, /^tls handshake failed from 127\.0\.0\.1:\d+: /);
    await Deno.remove(cert.dir, { recursive: true });
  },
});

Deno.test({
  name: "TLS door: a client that does not trust the certificate is refused; the server carries on",
  ignore,
  async fn() {
    const cert = await makeCert();
    const other = await makeCert(); // another self-signed certificate: the wrong CA
    const logs: string[] = [];
    await using srv = startServer();
    await using tls = listenTlsFor(srv.server, {
      context: contextOf(cert),
      log: (l) => logs.push(l),
    });
    const wrong = await Deno.connectTls({
      hostname: "127.0.0.1",
      port: tls.port,
      caCerts: [other.certPem],
    });
    await assert.rejects(wrong.handshake(), /UnknownIssuer|BadSignature/);
    wrong.close();
    // The server hears the client's alert and closes its socket (bounded wait, no timing).
    for (let i = 0; i < 500 && logs.length === 0; i++) await pause(20);
    assert.match(logs[0] ?? "", /^tls handshake failed from /);
    await using ana = await tlsJoin(tls.port, cert, "ana");
    await ana.send("{users}");
    assert.match(await ana.expect("USUARIOS"), /1 online: ana/);
    await Deno.remove(cert.dir, { recursive: true });
    await Deno.remove(other.dir, { recursive: true });
  },
});

Deno.test({
  name: "TLS door: a TLS client sending a megabyte at once is read at the server's pace, in order",
  ignore,
  async fn() {
    const cert = await makeCert();
    await using srv = startServer({ floodBurst: 0 });
    await using tls = listenTlsFor(srv.server, { context: contextOf(cert), log: () => {} });
    await using bob = await join(srv.port, "bob");
    await using ana = await tlsJoin(tls.port, cert, "ana");
    const lines = Array.from({ length: 2000 }, (_, i) => `:${i} ${"y".repeat(500)}`);
    await ana.sendRaw(new TextEncoder().encode(lines.map((l) => `${l}\n`).join("")));
    for (let i = 0; i < 2000; i += 1) {
      assert.equal(await bob.expect("PUBLICA"), `PUBLICA ana: ${i} ${"y".repeat(500)}`);
    }
    await Deno.remove(cert.dir, { recursive: true });
  },
});

Deno.test({
  name: "TLS door: handshakes under way from one address are bounded; one beyond is closed at once",
  ignore,
  async fn() {
    const cert = await makeCert();
    const logs: string[] = [];
    await using srv = startServer();
    await using tls = listenTlsFor(srv.server, {
      context: contextOf(cert),
      log: (l) => logs.push(l),
      maxHandshakesPerAddress: 2,
    });
    const waiting = [];
    for (let i = 0; i < 2; i++) {
      const c = await Deno.connect({ hostname: "127.0.0.1", port: tls.port });
      await c.write(new Uint8Array([0x16, 0x03, 0x01])); // a handshake begun, not finished
      waiting.push(c);
    }
    // Accepted in order: the third is closed as soon as it is accepted, with nothing sent.
    const third = await Deno.connect({ hostname: "127.0.0.1", port: tls.port });
    assert.equal(await readToEnd(third), "");
    third.close();
    assert.match(logs.join("\n"), /tls handshake refused from 127\.0\.0\.1:\d+: too many at once/);
    for (const c of waiting) {
      await c.closeWrite(); // the two end their side: their handshakes are over
      assert.equal(await readToEnd(c), "");
      c.close();
    }
    await using _ana = await tlsJoin(tls.port, cert, "ana"); // room again for a handshake
    await Deno.remove(cert.dir, { recursive: true });
  },
});

Deno.test({
  name: "TLS door: a TLS client that stops reading fills only its own queue and is dropped (L7)",
  ignore,
  async fn() {
    const cert = await makeCert();
    await using srv = startServer({ floodBurst: 0, maxQueueBytes: 64 * 1024 });
    await using tls = listenTlsFor(srv.server, { context: contextOf(cert), log: () => {} });
    await using bob = await join(srv.port, "bob");
    const conn = await Deno.connectTls({
      hostname: "127.0.0.1",
      port: tls.port,
      caCerts: [cert.certPem],
    });
    await conn.write(new TextEncoder().encode("ana\n")); // and never reads again
    await bob.expect("ENTROU");
    const line = `:${"z".repeat(1000)}`;
    let gone = false;
    for (let i = 0; i < 100_000 && !gone; i++) {
      await bob.send(line);
      if (i % 200 === 199) gone = bob.received.includes("SAIU ana saiu do chat");
    }
    assert.ok(gone, "ana was never dropped");
    conn.close();
    await Deno.remove(cert.dir, { recursive: true });
  },
});
