/**
 * The outgoing queue (L7, P3): whatever mix of copied and shared bytes is
 * queued in one turn leaves in one write, in order, and a caller may reuse
 * bytes it did not share.
 */

import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { Outbox, type QueueStats, type Sink } from "../server/outgoing.ts";
import { FlushScheduler } from "../server/queue.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A sink that records each write (one write = one string) and takes every byte at once. */
class RecordingSink implements Sink {
  readonly writes: string[] = [];
  readonly watched = false;
  writeSome(bytes: Uint8Array): Promise<number> {
    this.writes.push(decoder.decode(bytes));
    return Promise.resolve(bytes.length);
  }
  broken(): void {}
  wrote(): void {}
  overflowed(): void {}
}

function outbox(): { box: Outbox; sink: RecordingSink; scheduler: FlushScheduler } {
  const sink = new RecordingSink();
  const scheduler = new FlushScheduler();
  const stats: QueueStats = { queuedBytes: 0, peakConnectionBytes: 0, droppedSlowReaders: 0 };
  const box = new Outbox(sink, {
    maxQueueBytes: 1 << 20,
    maxTotalBytes: 1 << 30,
    scheduler,
    stats,
  });
  return { box, sink, scheduler };
}

/** Lines cut one after the other from one buffer, as the room renders its messages. */
function slabLines(...lines: string[]): Uint8Array[] {
  const all = encoder.encode(lines.join(""));
  const out: Uint8Array[] = [];
  let at = 0;
  for (const line of lines) {
    out.push(all.subarray(at, at + line.length));
    at += line.length;
  }
  return out;
}

Deno.test("Outbox.send() writes shared and copied bytes of one turn in one write, in order", async (t) => {
  await t.step("shared lines that follow each other", async () => {
    const { box, sink, scheduler } = outbox();
    const [a, b, c] = slabLines("PUBLICA a: 1\r\n", "PUBLICA a: 2\r\n", "PUBLICA b: 3\r\n");
    box.send(a!, false, true);
    box.send(b!, false, true);
    box.send(c!, false, true);
    scheduler.runNow();
    await box.idle();
    assertEquals(sink.writes, ["PUBLICA a: 1\r\nPUBLICA a: 2\r\nPUBLICA b: 3\r\n"]);
    assertEquals(box.queued, 0);
  });
  await t.step(
    "a copied line between shared ones, and shared lines that do not follow",
    async () => {
      const { box, sink, scheduler } = outbox();
      const [a, b, c] = slabLines("PUBLICA a: 1\r\n", "PUBLICA a: 2\r\n", "PUBLICA b: 3\r\n");
      const mine = encoder.encode("OK Mensagem enviada\r\n");
      box.send(a!, false, true);
      box.send(mine);
      mine.fill(0x21); // a line not shared may be reused at once
      box.send(c!, false, true);
      box.send(b!, false, true);
      scheduler.runNow();
      await box.idle();
      assertEquals(sink.writes, [
        "PUBLICA a: 1\r\nOK Mensagem enviada\r\nPUBLICA b: 3\r\nPUBLICA a: 2\r\n",
      ]);
    },
  );
  await t.step("lines queued while a write is under way leave in the next write", async () => {
    const { box, sink, scheduler } = outbox();
    const [a, b, c] = slabLines("PUBLICA a: 1\r\n", "PUBLICA a: 2\r\n", "PUBLICA a: 3\r\n");
    box.send(a!, false, true);
    scheduler.runNow();
    box.send(b!, false, true);
    box.send(c!, false, true);
    await box.idle();
    await box.idle();
    assertEquals(sink.writes, ["PUBLICA a: 1\r\n", "PUBLICA a: 2\r\nPUBLICA a: 3\r\n"]);
  });
});
