/**
 * The lecture view's feed (W3): the model's events as server-sent events at
 * `/lecture/events`, first those kept (so the page can replay from the
 * start), then each new one as it happens. Only the teacher's view reads it
 * (the web server checks who asks); the students' `/ws` never carries it.
 *
 * @module
 */

import type { LectureEvent, LectureModel } from "./lecture_model.ts";

const encoder = new TextEncoder();

/** Seconds between comment lines that keep a quiet feed open through proxies. */
const KEEPALIVE_MS = 15_000;

/** One event as its server-sent-event lines. */
function frame(e: LectureEvent): Uint8Array {
  return encoder.encode(`data: ${JSON.stringify(e)}\n\n`);
}

/**
 * The feed's response: a stream of server-sent events that ends when the
 * page goes away or `signal` is aborted (the server stops).
 *
 * @param model The lecture's events.
 * @param signal Aborted when the server stops.
 * @returns The response.
 */
export function lectureFeed(model: LectureModel, signal: AbortSignal): Response {
  let stop = () => {};
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const e of model.events()) controller.enqueue(frame(e));
      const unlisten = model.listen((e) => {
        try {
          controller.enqueue(frame(e));
        } catch {
          stop();
        }
      });
      const timer = setInterval(() => {
        try {
          controller.enqueue(encoder.encode(": keepalive\n\n"));
        } catch {
          stop();
        }
      }, KEEPALIVE_MS);
      const onAbort = () => {
        stop();
        try {
          controller.close();
        } catch {
          // closed already
        }
      };
      stop = () => {
        unlisten();
        clearInterval(timer);
        signal.removeEventListener("abort", onAbort);
      };
      signal.addEventListener("abort", onAbort, { once: true });
    },
    cancel() {
      stop();
    },
  });
  return new Response(body, {
    headers: {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-store",
    },
  });
}
