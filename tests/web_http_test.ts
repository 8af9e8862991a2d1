/**
 * The web door's HTTP side over real sockets (W1, W5, L5): a request whose
 * head never ends (slowloris) and an idle keep-alive connection are closed
 * once their deadline passes (the clock moved by hand, nothing sleeps); HTTP
 * connections not yet upgraded are capped per address and in all; a `Host`
 * that is no IP literal, `localhost` or a name given with `--web-origin` is
 * refused (DNS rebinding), page and WebSocket alike; an unknown `Upgrade` is
 * ignored (RFC 7230 6.7); `/favicon.ico` is answered.
 */
import assert from "node:assert/strict";
import net from "node:net";
import { HTTP_HEADERS_MS } from "../server/web/web_server.ts";
import { hostAllowed } from "../server/web/web_answers.ts";
import { studentUrls } from "../server/web/web_banner.ts";
import { ManualTimers } from "./helpers.ts";
import { until, WAIT_MS } from "./wait.ts";
import { joinWeb, startWebServer } from "./web_helpers.ts";
import { FrameClient } from "./ws_raw.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A raw HTTP connection: what the test writes, and the answers read whole. */
class RawHttp implements Disposable {
  readonly #conn: Deno.Conn;
  #buffer = "";

  private constructor(conn: Deno.Conn) {
    this.#conn = conn;
  }

  /** Connects to the web door on 127.0.0.1. */
  static async open(port: number): Promise<RawHttp> {
    return new RawHttp(await Deno.connect({ hostname: "127.0.0.1", port }));
  }

  /** Writes text. */
  async send(text: string): Promise<void> {
    const bytes = encoder.encode(text);
    for (let at = 0; at < bytes.length;) at += await this.#conn.write(bytes.subarray(at));
  }

  /**
   * Reads one answer: its head and its body (by its length).
   *
   * @returns The head and body, or `null` when the server closed first.
   */
  async answer(): Promise<{ status: number; head: string; body: string } | null> {
    let end = -1;
    while ((end = this.#buffer.indexOf("\r\n\r\n")) < 0) if (!await this.#more()) return null;
    const head = this.#buffer.slice(0, end);
    const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0);
    while (this.#buffer.length < end + 4 + length) if (!await this.#more()) break;
    const body = this.#buffer.slice(end + 4, end + 4 + length);
    this.#buffer = this.#buffer.slice(end + 4 + length);
    return { status: Number(head.split(" ")[1]), head, body };
  }

  /** Reads to the end: the head, and all that came after it (a chunked body, say). */
  async all(): Promise<{ status: number; head: string; body: string }> {
    while (await this.#more());
    const end = this.#buffer.indexOf("\r\n\r\n");
    const head = this.#buffer.slice(0, end);
    return { status: Number(head.split(" ")[1]), head, body: this.#buffer.slice(end + 4) };
  }

  /** Whether the server closed the connection (read to its end). */
  async ended(): Promise<boolean> {
    while (await this.#more());
    return true;
  }

  /** Reads more; false at the end (or a reset). */
  async #more(): Promise<boolean> {
    const buf = new Uint8Array(65536);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`nothing came; got ${this.#buffer}`)), WAIT_MS);
    });
    try {
      const n = await Promise.race([this.#conn.read(buf), late]);
      if (n === null) return false;
      this.#buffer += decoder.decode(buf.subarray(0, n));
      return true;
    } catch (e) {
      if (e instanceof Deno.errors.ConnectionReset) return false;
      throw e;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Part of Disposable. */
  [Symbol.dispose](): void {
    try {
      this.#conn.close();
    } catch {
      // closed already
    }
  }
}

/** A socket to the door from another loopback address (127.0.0.x), as another computer. */
function connectFrom(local: string, port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port, host: "127.0.0.1", localAddress: local }, () => {
      resolve(socket);
    });
    socket.once("error", reject);
  });
}

/** Whether node's socket is closed by the server (its end read). */
function endedNode(socket: net.Socket): Promise<void> {
  return new Promise((resolve) => {
    if (socket.readableEnded || socket.destroyed) return resolve();
    socket.on("data", () => {});
    socket.once("end", () => resolve());
    socket.once("close", () => resolve());
  });
}

Deno.test("W5: a request head sent a line at a time is closed at its deadline (slowloris)", async () => {
  const timers = new ManualTimers();
  await using s = startWebServer({}, [], undefined, { timers });
  using slow = await RawHttp.open(s.webPort);
  await until(() => timers.waiting === 1, "the deadline set at accept");
  await slow.send(`GET / HTTP/1.1\r\nHost: 127.0.0.1:${s.webPort}\r\n`);
  for (let i = 0; i < 5; i++) {
    timers.advance(HTTP_HEADERS_MS / 10); // a header line every tenth of the deadline
    await slow.send(`X-Slow-${i}: 1\r\n`);
  }
  timers.advance(HTTP_HEADERS_MS / 2);
  assert.ok(await slow.ended());
  // Others are served as ever.
  const page = await fetch(`http://127.0.0.1:${s.webPort}/`);
  assert.equal(page.status, 200);
  await page.body?.cancel();
});

Deno.test("W5: a request body sent a byte at a time is closed at the same deadline", async () => {
  const timers = new ManualTimers();
  await using s = startWebServer({}, [], undefined, { timers });
  using slow = await RawHttp.open(s.webPort);
  await until(() => timers.waiting === 1, "the deadline set at accept");
  await slow.send(
    `POST /lecture/login HTTP/1.1\r\nHost: 127.0.0.1:${s.webPort}\r\nContent-Length: 100\r\n\r\n`,
  );
  for (let i = 0; i < 5; i++) {
    timers.advance(HTTP_HEADERS_MS / 10);
    await slow.send("x");
  }
  timers.advance(HTTP_HEADERS_MS / 2);
  assert.ok(await slow.ended());
});

Deno.test("W5: after an answer, a connection that sends no next request is closed by its deadline at the latest", async () => {
  // (Deno's node:http closes our sockets after each answer today; the deadline bounds them anyway.)
  const timers = new ManualTimers();
  await using s = startWebServer({}, [], undefined, { timers });
  using http = await RawHttp.open(s.webPort);
  await http.send(`GET /style.css HTTP/1.1\r\nHost: 127.0.0.1:${s.webPort}\r\n\r\n`);
  assert.equal((await http.answer())?.status, 200);
  timers.advance(HTTP_HEADERS_MS);
  assert.ok(await http.ended());
  await until(() => timers.waiting === 0, "no deadline left");
});

Deno.test("W5 L5: HTTP connections not yet upgraded are capped per address and in all; a WebSocket leaves its place", async () => {
  const timers = new ManualTimers();
  await using s = startWebServer({}, [], undefined, { timers, maxHttpPerAddress: 2, maxHttp: 3 });
  using a = await RawHttp.open(s.webPort);
  using b = await RawHttp.open(s.webPort);
  await until(() => timers.waiting === 2, "two connections accepted");
  using c = await RawHttp.open(s.webPort);
  const refused = await c.answer();
  assert.equal(refused?.status, 503, "the third from one address");
  assert.ok(await c.ended());
  // Another address has its own places, up to the cap in all.
  const other = await connectFrom("127.0.0.2", s.webPort);
  await until(() => timers.waiting === 3, "the other address's connection accepted");
  const beyond = await connectFrom("127.0.0.3", s.webPort);
  await endedNode(beyond);
  // The places are given back when a connection closes; an upgraded one holds none.
  a[Symbol.dispose]();
  other.destroy();
  beyond.destroy();
  await until(() => timers.waiting === 1, "the places given back");
  await using bia = await joinWeb(s.webPort, "bia");
  await using caio = await joinWeb(s.webPort, "caio");
  using d = await RawHttp.open(s.webPort);
  await d.send(`GET / HTTP/1.1\r\nHost: 127.0.0.1:${s.webPort}\r\n\r\n`);
  assert.equal(
    (await d.answer())?.status,
    200,
    "b and d: two from one address, beside two WebSockets",
  );
  await bia.send(":ainda aqui");
  await caio.expect("PUBLICA bia: ainda aqui");
  b[Symbol.dispose]();
});

Deno.test("W5: a Host that is no IP literal, localhost or a --web-origin name is refused, page and WebSocket (DNS rebinding)", async () => {
  await using s = startWebServer({}, ["https://chat.school.example"]);
  const port = s.webPort;
  const get = async (path: string, host: string | null, version = "1.1") => {
    using http = await RawHttp.open(port);
    const hostLine = host === null ? "" : `Host: ${host}\r\n`;
    await http.send(`GET ${path} HTTP/${version}\r\n${hostLine}Connection: close\r\n\r\n`);
    return await http.all();
  };
  for (const host of [`evil.example:${port}`, "evil.example", `127.0.0.1.evil.example:${port}`]) {
    for (const path of ["/", "/lecture", "/lecture/events", "/chat.js"]) {
      const refused = await get(path, host);
      assert.equal(refused.status, 421, `${path} ${host}`);
      assert.match(refused.head, /content-security-policy/i);
      assert.match(refused.body, /--web-origin/);
    }
    using ws = await FrameClient.upgrade(port, { Host: host, Origin: `http://${host}` });
    assert.equal(ws.status, 421, `/ws ${host}`);
  }
  const allowed = [
    `127.0.0.1:${port}`,
    `localhost:${port}`,
    "LocalHost",
    `[::1]:${port}`,
    `10.0.0.5:${port}`,
    `chat.school.example:${port}`,
    "Chat.School.Example",
  ];
  for (const host of allowed) assert.equal((await get("/", host)).status, 200, host);
  assert.equal((await get("/", null, "1.0")).status, 200, "HTTP/1.0 without a Host (no browser)");
  using ws = await FrameClient.upgrade(port, {
    Host: `localhost:${port}`,
    Origin: `http://localhost:${port}`,
  });
  assert.equal(ws.status, 101);
});

Deno.test("W5 (review): a name with its trailing dot, a *.localhost name and a Host in capitals open the page and its WebSocket", async () => {
  await using s = startWebServer({}, ["https://chat.school.example"]);
  const port = s.webPort;
  // As a browser sends them for http://localhost.:PORT/, http://sala.localhost:PORT/ ...: the Host
  // is the URL's own (lowercase), the Origin the page's.
  for (
    const host of [
      `localhost.:${port}`,
      `sala.localhost:${port}`,
      `chat.school.example.:${port}`,
      "chat.school.example.",
    ]
  ) {
    using http = await FrameClient.upgrade(port, { Host: host, Origin: `http://${host}` });
    assert.equal(http.status, 101, host);
  }
  // A tool's Host in capitals names the same origin as the browser's lowercase Origin.
  using caps = await FrameClient.upgrade(port, {
    Host: `LocalHost:${port}`,
    Origin: `http://localhost:${port}`,
  });
  assert.equal(caps.status, 101, "Host in capitals");
  for (const host of ["localhost.evil.example", "evil.example.", "chat.school.example.evil"]) {
    using refused = await FrameClient.upgrade(port, { Host: host, Origin: `http://${host}` });
    assert.equal(refused.status, 421, host);
  }
});

Deno.test("W4 W5: every students' URL of the banner, and the lecture's, passes the Host check", () => {
  const addr = { transport: "tcp", hostname: "0.0.0.0", port: 8080 } as const;
  const urls = [
    ...studentUrls(addr, ["192.168.0.7", "10.1.2.3"]),
    "http://127.0.0.1:8080/lecture",
  ];
  for (const url of urls) {
    const host = new URL(url).host;
    assert.ok(hostAllowed(host, undefined), url);
  }
  assert.ok(!hostAllowed("evil.example:8080", undefined));
  assert.ok(!hostAllowed("evil.example:8080", ["https://other.example"]));
  assert.ok(hostAllowed("other.example", ["https://other.example"]));
});

Deno.test("W5: an Upgrade other than websocket is ignored: the page is served (RFC 7230 6.7)", async () => {
  await using s = startWebServer();
  for (const [path, upgrade] of [["/", "h2c"], ["/lecture", "foo/2"], ["/style.css", "h2c"]]) {
    using http = await RawHttp.open(s.webPort);
    await http.send(
      `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${s.webPort}\r\nUpgrade: ${upgrade}\r\n` +
        "Connection: Upgrade, HTTP2-Settings\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n\r\n",
    );
    const page = await http.answer();
    assert.equal(page?.status, 200, `${path} ${upgrade}`);
    assert.match(page!.head, /content-security-policy/i);
    assert.ok(page!.body.length > 0);
    if (path === "/") assert.match(page!.body, /<!doctype html>/i);
  }
  using ws = await FrameClient.upgrade(s.webPort, { Upgrade: "h2c" });
  assert.equal(ws.status, 426, "/ws asks for a WebSocket");
});

Deno.test("W5: /favicon.ico is answered (no 404 in every browser's console)", async () => {
  await using s = startWebServer();
  const icon = await fetch(`http://127.0.0.1:${s.webPort}/favicon.ico`);
  assert.equal(icon.status, 204);
  assert.match(icon.headers.get("content-security-policy") ?? "", /default-src 'none'/);
  await icon.body?.cancel();
});

Deno.test("W5: oversize, non-ASCII and cut-off request heads get a 4xx or a close; the door goes on", async () => {
  await using s = startWebServer();
  const host = `Host: 127.0.0.1:${s.webPort}\r\n`;
  const heads = [
    `GET / HTTP/1.1\r\n${host}X-Big: ${"a".repeat(100_000)}\r\n\r\n`,
    `GET / HTTP/1.1\r\n${host}${"X-Many: 1\r\n".repeat(5000)}\r\n`,
    `GET /${"a".repeat(100_000)} HTTP/1.1\r\n${host}\r\n`,
    `GET / HTTP/1.1\r\n${host}X-Acento: olá, ação \u00ff\u0000\r\n\r\n`,
    `GET /olá HTTP/1.1\r\n${host}\r\n`,
    `GÉT / HTTP/1.1\r\n${host}\r\n`,
  ];
  for (const head of heads) {
    using http = await RawHttp.open(s.webPort);
    await http.send(head).catch(() => {}); // the door may close before it all left
    const got = await http.all().catch(() => ({ status: 0, head: "", body: "" }));
    assert.ok(got.status === 0 || (got.status >= 200 && got.status < 500), got.head);
  }
  // Cut off mid-head, mid-header, mid-body: each an abrupt disconnect.
  for (
    const cut of [
      "GET / HT",
      `GET / HTTP/1.1\r\n${host}X-Hal`,
      `POST /lecture/login HTTP/1.1\r\n${host}Content-Length: 100\r\n\r\nab`,
    ]
  ) {
    using http = await RawHttp.open(s.webPort);
    await http.send(cut);
  }
  const page = await fetch(`http://127.0.0.1:${s.webPort}/`);
  assert.equal(page.status, 200);
  await page.body?.cancel();
});

Deno.test("W5 (field test): a foreign Origin's 403 names the way out, --web-origin, as the 421 does", async () => {
  await using s = startWebServer();
  const port = s.webPort;
  const ask = async (head: string) => {
    using http = await RawHttp.open(port);
    await http.send(`${head}Host: 127.0.0.1:${port}\r\nOrigin: http://evil.example\r\n`);
    await http.send("Connection: close\r\n\r\n");
    return await http.all();
  };
  const upgrade = "GET /ws HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
    "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n";
  for (const head of [upgrade, "POST /lecture/login HTTP/1.1\r\nContent-Length: 0\r\n"]) {
    const refused = await ask(head);
    assert.equal(refused.status, 403, head);
    assert.match(refused.body, /Origin not allowed/);
    assert.match(refused.body, /--web-origin http:\/\/evil\.example/, head);
  }
});
