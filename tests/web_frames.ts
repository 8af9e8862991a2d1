/**
 * WebSocket as a client speaks it, written from RFC 6455 and not from the
 * server's code (so the web door's tests hold it to the RFC): the upgrade
 * request (§4.1), a client's frame, masked as it must be (§5.2, §5.3), and a
 * frame read back from the bytes received. Pure: the socket is
 * `web_helpers.ts`'s `RawWebSocket`.
 *
 * @module
 */

const encoder = new TextEncoder();

/** A frame received. */
export interface Frame {
  /** Its opcode (1 text, 2 binary, 8 close, 9 ping, 10 pong). */
  opcode: number;
  /** Its payload. */
  payload: Uint8Array;
}

/** The parts joined into one array. */
export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * The HTTP request that asks for the upgrade.
 *
 * @param port The server's port (its `Host`).
 * @param path The path.
 * @param origin The Origin header, or `null` for none.
 */
export function upgradeRequest(port: number, path: string, origin: string | null): Uint8Array {
  const key = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(16))));
  return encoder.encode(
    [
      `GET ${path} HTTP/1.1`,
      `Host: 127.0.0.1:${port}`,
      "Upgrade: websocket",
      "Connection: Upgrade",
      `Sec-WebSocket-Key: ${key}`,
      "Sec-WebSocket-Version: 13",
      ...(origin === null ? [] : [`Origin: ${origin}`]),
      "",
      "",
    ].join("\r\n"),
  );
}

/**
 * One frame as a client sends it.
 *
 * @param opcode The opcode (1 text).
 * @param payload Its payload.
 * @param options `mask: false` leaves it unmasked (a protocol error); `fin: false` makes it a fragment.
 */
export function clientFrame(
  opcode: number,
  payload: Uint8Array,
  options: { mask?: boolean; fin?: boolean } = {},
): Uint8Array {
  const masked = options.mask ?? true;
  const head: number[] = [((options.fin ?? true) ? 0x80 : 0) | opcode];
  const m = masked ? 0x80 : 0;
  if (payload.length < 126) head.push(m | payload.length);
  else if (payload.length < 65536) head.push(m | 126, payload.length >> 8, payload.length & 0xff);
  else {
    head.push(m | 127, 0, 0, 0, 0);
    for (let s = 24; s >= 0; s -= 8) head.push((payload.length >>> s) & 0xff);
  }
  const key = masked ? crypto.getRandomValues(new Uint8Array(4)) : new Uint8Array(0);
  const body = payload.map((x, i) => masked ? x ^ key[i % 4]! : x);
  return concat(new Uint8Array(head), key, body);
}

/**
 * The first frame of `bytes` (a server's: unmasked), once all of it came.
 *
 * @returns The frame and how many bytes it took; `undefined` while it is not all there.
 */
export function readFrame(bytes: Uint8Array): { frame: Frame; size: number } | undefined {
  if (bytes.length < 2) return undefined;
  let length = bytes[1]! & 0x7f;
  let at = 2;
  if (length === 126) {
    if (bytes.length < 4) return undefined;
    length = (bytes[2]! << 8) | bytes[3]!;
    at = 4;
  } else if (length === 127) {
    if (bytes.length < 10) return undefined;
    length = Number(new DataView(bytes.buffer, bytes.byteOffset + 2, 8).getBigUint64(0));
    at = 10;
  }
  if (bytes.length < at + length) return undefined;
  const frame = { opcode: bytes[0]! & 0x0f, payload: bytes.slice(at, at + length) };
  return { frame, size: at + length };
}

/** The status code of a close frame's payload (1005: none given, §7.1.5). */
export function closeCode(payload: Uint8Array): number {
  return payload.length >= 2 ? (payload[0]! << 8) | payload[1]! : 1005;
}
