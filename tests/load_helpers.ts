/**
 * Helpers for tests with many clients at once (L5, L7, S13): clients that
 * never read, batches of connections, and the lines a client got of one kind.
 */
import type { LineClient } from "./line_client.ts";

const encoder = new TextEncoder();

/** Lines of `c` from its start that begin with `prefix`. */
export function linesStarting(c: LineClient, prefix: string): string[] {
  return c.received.filter((l) => l.startsWith(prefix));
}

/** Connects a client that registers `nick` and never reads a byte. */
export async function silentClient(port: number, nick: string): Promise<Deno.TcpConn> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  await conn.write(encoder.encode(`${nick}\n`));
  return conn;
}

/** Runs `fn` on each item, `size` at a time. */
export async function inBatches<T, R>(
  items: T[],
  size: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += size) {
    out.push(...await Promise.all(items.slice(i, i + size).map(fn)));
  }
  return out;
}
