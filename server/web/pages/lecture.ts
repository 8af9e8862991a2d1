/**
 * The lecture view's script (W3), bundled by `deno task web` into
 * `server/web/bundle/lecture.js`: the socket events from `/lecture/events`
 * drawn as a sequence diagram (a table: time, the server, one lane per
 * connection), with pause, step, replay, speed, a filter by connection and
 * export. Every event is text in the page. From another computer the page
 * asks for the teacher's token and gives it in a POST, never in a URL.
 *
 * @module
 */

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
const lanes: { conn: number; door: string; peer: string }[] = [];
let cursor = 0; // events shown: all[0..cursor)
let paused = false;
let playing: ReturnType<typeof setTimeout> | undefined;
let source: EventSource | undefined;

/** Most rows drawn at once (the export has them all). */
const MAX_ROWS = 400;

function visible(e: LectureEvent): boolean {
  const f = $<HTMLSelectElement>("filter").value;
  return f === "" || String(e.conn) === f;
}

function drawLanes(): void {
  const head = $("lanes");
  const shown = lanes.filter((l) =>
    $<HTMLSelectElement>("filter").value === "" ||
    String(l.conn) === $<HTMLSelectElement>("filter").value
  );
  const cells = [
    th("time"),
    th("SERVER", "server"),
    ...shown.map((l) => th(`#${l.conn} ${l.door} ${l.peer}`)),
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

function row(e: LectureEvent): HTMLTableRowElement {
  const tr = document.createElement("tr");
  tr.dataset.seq = String(e.seq);
  const time = document.createElement("td");
  time.className = "time";
  time.textContent = clock(e.time);
  const server = document.createElement("td");
  server.className = "server";
  server.textContent = "|";
  tr.append(time, server);
  const f = $<HTMLSelectElement>("filter").value;
  for (const l of lanes) {
    if (f !== "" && String(l.conn) !== f) continue;
    const td = document.createElement("td");
    if (l.conn === e.conn) {
      td.className = "event";
      td.append(words(e));
    }
    tr.append(td);
  }
  return tr;
}

function draw(): void {
  drawLanes();
  const shown = all.slice(0, cursor).filter(visible).slice(-MAX_ROWS);
  $("rows").replaceChildren(...shown.map(row));
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
  if (!paused && playing === undefined) {
    cursor = all.length;
    const tr = visible(e) ? row(e) : undefined;
    if (tr !== undefined && cursor > 1 && lanes.length === $("lanes").children.length - 2) {
      $("rows").append(tr);
      $("state").textContent = `live: event ${cursor} of ${all.length}`;
      scrollTo(0, document.body.scrollHeight);
    } else draw();
  } else $("state").textContent = `paused: event ${cursor} of ${all.length}`;
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
$<HTMLFormElement>("login").onsubmit = async (ev) => {
  ev.preventDefault();
  const r = await fetch("/lecture/login", {
    method: "POST",
    body: $<HTMLInputElement>("token").value,
  });
  $<HTMLInputElement>("token").value = "";
  if (r.ok) {
    $("login").hidden = true;
    connect();
  } else $("login-error").textContent = "Wrong token / senha errada";
};

$("where").textContent = location.host;
connect();
