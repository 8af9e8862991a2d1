/**
 * The lecture view's script (W3), bundled by `deno task web` into
 * `server/web/bundle/lecture.js`: the socket events from `/lecture/events`
 * drawn as a sequence diagram (a table: time, the server, one lane per
 * connection), with pause, step, replay, speed, a filter by connection and
 * export. Every event is text in the page. From another computer the page
 * asks for the teacher's token and gives it in a POST, never in a URL. The
 * lanes are the open connections' and, while its close is news or there is
 * room, a closed one's (`lecture_lanes.ts`); the filter shows any one's.
 *
 * @module
 */

import { lanesShown } from "../lecture_lanes.ts";
import { maskField } from "./token_mask.ts";

interface LectureEvent {
  seq: number;
  time: number;
  conn: number;
  kind: "accept" | "recv" | "send" | "close";
  door: string;
  peer: string;
  bytes?: number;
  text?: string;
  lines?: string[];
  partial?: string;
  cause?: string;
}

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const all: LectureEvent[] = [];
const lanes: { conn: number; door: string; peer: string; nick?: string }[] = [];
let cursor = 0; // events shown: all[0..cursor)
let paused = false;
let playing: ReturnType<typeof setTimeout> | undefined;
let source: EventSource | undefined;

/** Most rows drawn at once (the export has them all). */
const MAX_ROWS = 400;

/**
 * The lanes drawn at the cursor: the one the filter names, or the open connections' and the
 * closed ones still news (field test: every connection ever made kept its lane).
 */
function shownLanes(): typeof lanes {
  const f = $<HTMLSelectElement>("filter").value;
  if (f !== "") return lanes.filter((l) => String(l.conn) === f);
  const kept = new Set(lanesShown(all.slice(0, cursor)));
  return lanes.filter((l) => kept.has(l.conn));
}

function drawLanes(shown = shownLanes()): void {
  const head = $("lanes");
  const cells = [
    th("time"),
    th("SERVER", "server"),
    ...shown.map((l) => th(`#${l.conn} ${l.nick ?? ""} (${l.door}) ${l.peer}`)),
  ];
  head.replaceChildren(...cells);
}

function th(text: string, cls = ""): HTMLTableCellElement {
  const c = document.createElement("th");
  c.scope = "col";
  c.textContent = text;
  if (cls !== "") c.className = cls;
  return c;
}

function clock(t: number): string {
  const d = new Date(t);
  return d.toTimeString().slice(0, 8) + "." + String(d.getMilliseconds()).padStart(3, "0");
}

/** The words of one event: what a screen reader and a search find. */
function words(e: LectureEvent): HTMLElement {
  const span = document.createElement("span");
  span.className = e.kind;
  if (e.kind === "accept") {
    // T1: a TLS connection's bytes are shown decrypted; say so, as the trace does.
    const tls = e.door === "tls" ? ": bytes shown decrypted, encrypted on the wire" : "";
    span.textContent = `accept #${e.conn} from ${e.peer} (${e.door}${tls})`;
  } else if (e.kind === "close") span.textContent = `close #${e.conn} (${e.cause})`;
  else span.textContent = `${e.kind} ${e.bytes} ${e.text}`;
  const box = document.createElement("span");
  box.append(span);
  if (e.kind === "recv") {
    const lines = e.lines ?? [];
    if (lines.length > 1) {
      mark(box, "lines", `${lines.length} lines in one recv: ${lines.join(" | ")}`);
    } else if (lines.length === 1) mark(box, "lines", `line ends: ${lines[0]}`);
    if (e.partial !== undefined) mark(box, "partial", `(partial line: "${e.partial}")`);
  }
  return box;
}

function mark(box: HTMLElement, cls: string, text: string): void {
  const s = document.createElement("span");
  s.className = cls;
  s.textContent = text;
  box.append(s);
}

/** The whole lines of a send's escaped bytes. */
function sentLines(e: LectureEvent): string[] {
  return (e.text ?? "").replace(/^"|"( \(\+\d+ bytes\))?$/g, "").split("\\r\\n").slice(0, -1);
}

/**
 * The events in rows: one line the server sends to many sockets at once (a public message; each
 * socket's write may carry other lines queued with it) is one row with an arrow in each lane and
 * the line named in the server's column: the fan-out.
 */
function groups(events: LectureEvent[]): { events: LectureEvent[]; shared: string[] }[] {
  const out: { events: LectureEvent[]; shared: string[] }[] = [];
  for (const e of events) {
    const last = out.at(-1);
    if (e.kind === "send" && last !== undefined && last.events[0]!.kind === "send") {
      const lines = sentLines(e);
      const shared = last.shared.filter((l) => lines.includes(l));
      if (shared.length > 0 && !last.events.some((x) => x.conn === e.conn)) {
        last.events.push(e);
        last.shared = shared;
        continue;
      }
    }
    out.push({ events: [e], shared: e.kind === "send" ? sentLines(e) : [] });
  }
  return out;
}

function row(
  { events: group, shared }: ReturnType<typeof groups>[number],
  drawn: typeof lanes,
): HTMLTableRowElement {
  const first = group[0]!;
  const tr = document.createElement("tr");
  tr.dataset.seq = String(first.seq);
  const time = document.createElement("td");
  time.className = "time";
  time.textContent = clock(first.time);
  const server = document.createElement("td");
  server.className = "server";
  server.textContent = group.length > 1
    ? `1 line to ${group.length} sockets: ${shared.at(-1)}`
    : "|";
  tr.append(time, server);
  for (const l of drawn) {
    const td = document.createElement("td");
    const e = group.find((x) => x.conn === l.conn);
    if (e !== undefined) {
      td.className = "event";
      td.append(words(e));
    }
    tr.append(td);
  }
  return tr;
}

function draw(): void {
  const drawnLanes = shownLanes();
  drawLanes(drawnLanes);
  // Rows of the lanes drawn; a fan-out row still counts every socket the line went to.
  const drawn = new Set(drawnLanes.map((l) => l.conn));
  const shown = groups(all.slice(0, cursor))
    .filter((g) => g.events.some((e) => drawn.has(e.conn)))
    .slice(-MAX_ROWS);
  $("rows").replaceChildren(...shown.map((g) => row(g, drawnLanes)));
  $("state").textContent = `${paused ? "paused" : "live"}: event ${cursor} of ${all.length}`;
  $("pause").textContent = paused ? "resume" : "pause";
  if (!paused) scrollTo(0, document.body.scrollHeight);
}

function addLane(e: LectureEvent): void {
  if (lanes.some((l) => l.conn === e.conn)) return;
  lanes.push({ conn: e.conn, door: e.door, peer: e.peer });
  const o = document.createElement("option");
  o.value = String(e.conn);
  o.textContent = `#${e.conn} ${e.door} ${e.peer}`;
  $("filter").append(o);
}

function arrived(e: LectureEvent): void {
  all.push(e);
  addLane(e);
  // A lane is named by its nickname once the server welcomes it (BEMVINDO ..., NICK!).
  const welcome = e.kind === "send" ? /BEMVINDO [^\\]*?([A-Za-z0-9_-]+)!/.exec(e.text ?? "") : null;
  const lane = lanes.find((l) => l.conn === e.conn);
  if (welcome && lane && lane.nick === undefined) {
    lane.nick = welcome[1]!;
    drawLanes();
  }
  if (!paused && playing === undefined) {
    cursor = all.length;
    drawSoon();
  } else $("state").textContent = `paused: event ${cursor} of ${all.length}`;
}

let drawing: ReturnType<typeof setTimeout> | undefined;

/** Draws once for the events of a burst (a public message to a class is one per socket). */
function drawSoon(): void {
  drawing ??= setTimeout(() => {
    drawing = undefined;
    draw();
  }, 30);
}

function connect(): void {
  source?.close();
  source = new EventSource("/lecture/events");
  source.onmessage = (m) => arrived(JSON.parse(m.data) as LectureEvent);
  source.onerror = async () => {
    // A refused feed (another computer, no token yet) asks for the token.
    const r = await fetch("/lecture/events", { method: "HEAD" }).catch(() => undefined);
    if (r?.status === 403) {
      source?.close();
      $("login").hidden = false;
      $("token").focus();
    }
  };
}

function stopPlaying(): void {
  if (playing !== undefined) clearTimeout(playing);
  playing = undefined;
}

function play(): void {
  if (cursor >= all.length) {
    stopPlaying();
    paused = false;
    return draw();
  }
  cursor++;
  draw();
  const speed = Number($<HTMLSelectElement>("speed").value);
  playing = setTimeout(play, 600 / speed);
}

$("pause").onclick = () => {
  stopPlaying();
  paused = !paused;
  if (!paused) cursor = all.length;
  draw();
};
$("forward").onclick = () => {
  stopPlaying();
  paused = true;
  cursor = Math.min(all.length, cursor + 1);
  draw();
};
$("back").onclick = () => {
  stopPlaying();
  paused = true;
  cursor = Math.max(0, cursor - 1);
  draw();
};
$("replay").onclick = () => {
  stopPlaying();
  paused = true;
  cursor = 0;
  play();
};
$("filter").onchange = () => draw();
$("export").onclick = () => {
  const text = all.map((e) => JSON.stringify(e)).join("\n") + "\n";
  const a = document.createElement("a");
  a.href = URL.createObjectURL(new Blob([text], { type: "application/x-ndjson" }));
  a.download = "papo-lecture.jsonl";
  a.click();
};
$("print").onclick = () => print();
// L8: one fixed mask while anything is typed, whatever the token's length (the field draws none).
const maskToken = () => {
  const field = $<HTMLInputElement>("token");
  maskField(field, $("token-mask"), field.value !== "", "password");
};
$("token").oninput = maskToken;
$<HTMLFormElement>("login").onsubmit = async (ev) => {
  ev.preventDefault();
  const r = await fetch("/lecture/login", {
    method: "POST",
    body: $<HTMLInputElement>("token").value,
  });
  $<HTMLInputElement>("token").value = "";
  maskToken();
  if (r.ok) {
    $("login").hidden = true;
    connect();
  } else $("login-error").textContent = "Wrong token / senha errada";
};

$("where").textContent = location.host;
connect();
