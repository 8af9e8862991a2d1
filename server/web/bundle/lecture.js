// server/web/lecture_lanes.ts
var LANE_LINGER_MS = 15e3;
var LANE_ROOM = 8;
function lanesShown(events, room = LANE_ROOM, linger = LANE_LINGER_MS) {
  const seen = /* @__PURE__ */ new Map();
  let closes = 0;
  for (const e of events) {
    if (e.kind === "close") seen.set(e.conn, {
      time: e.time,
      order: closes++
    });
    else if (!seen.has(e.conn)) seen.set(e.conn, void 0);
  }
  const now = events.at(-1)?.time ?? 0;
  const kept = [
    ...seen
  ].filter(([, closed2]) => closed2 === void 0 || now - closed2.time < linger);
  const over = kept.length - room;
  if (over <= 0) return kept.map(([conn]) => conn);
  const closed = kept.filter(([, c]) => c !== void 0).sort((a, b) => a[1].order - b[1].order);
  const gone = new Set(closed.slice(0, over).map(([conn]) => conn));
  return kept.filter(([conn]) => !gone.has(conn)).map(([conn]) => conn);
}

// server/web/pages/token_mask.ts
var TOKEN_MASK = "\u2022\u2022\u2022\u2022\u2022\u2022\u2022\u2022";
function maskField(field, mask, secret, plain = "text") {
  const type = secret ? "password" : plain;
  if (field.type !== type) field.type = type;
  field.classList.toggle("secret", secret);
  mask.textContent = secret ? TOKEN_MASK : "";
}

// server/web/pages/lecture.ts
var $ = (id) => document.getElementById(id);
var all = [];
var lanes = [];
var cursor = 0;
var paused = false;
var playing;
var source;
var MAX_ROWS = 400;
function shownLanes() {
  const f = $("filter").value;
  if (f !== "") return lanes.filter((l) => String(l.conn) === f);
  const kept = new Set(lanesShown(all.slice(0, cursor)));
  return lanes.filter((l) => kept.has(l.conn));
}
function drawLanes(shown = shownLanes()) {
  const head = $("lanes");
  const cells = [
    th("time"),
    th("SERVER", "server"),
    ...shown.map((l) => th(`#${l.conn} ${l.nick ?? ""} (${l.door}) ${l.peer}`))
  ];
  head.replaceChildren(...cells);
}
function th(text, cls = "") {
  const c = document.createElement("th");
  c.scope = "col";
  c.textContent = text;
  if (cls !== "") c.className = cls;
  return c;
}
function clock(t) {
  const d = new Date(t);
  return d.toTimeString().slice(0, 8) + "." + String(d.getMilliseconds()).padStart(3, "0");
}
function words(e) {
  const span = document.createElement("span");
  span.className = e.kind;
  if (e.kind === "accept") {
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
    if (e.partial !== void 0) mark(box, "partial", `(partial line: "${e.partial}")`);
  }
  return box;
}
function mark(box, cls, text) {
  const s = document.createElement("span");
  s.className = cls;
  s.textContent = text;
  box.append(s);
}
function sentLines(e) {
  return (e.text ?? "").replace(/^"|"( \(\+\d+ bytes\))?$/g, "").split("\\r\\n").slice(0, -1);
}
function groups(events) {
  const out = [];
  for (const e of events) {
    const last = out.at(-1);
    if (e.kind === "send" && last !== void 0 && last.events[0].kind === "send") {
      const lines = sentLines(e);
      const shared = last.shared.filter((l) => lines.includes(l));
      if (shared.length > 0 && !last.events.some((x) => x.conn === e.conn)) {
        last.events.push(e);
        last.shared = shared;
        continue;
      }
    }
    out.push({
      events: [
        e
      ],
      shared: e.kind === "send" ? sentLines(e) : []
    });
  }
  return out;
}
function row({ events: group, shared }, drawn) {
  const first = group[0];
  const tr = document.createElement("tr");
  tr.dataset.seq = String(first.seq);
  const time = document.createElement("td");
  time.className = "time";
  time.textContent = clock(first.time);
  const server = document.createElement("td");
  server.className = "server";
  server.textContent = group.length > 1 ? `1 line to ${group.length} sockets: ${shared.at(-1)}` : "|";
  tr.append(time, server);
  for (const l of drawn) {
    const td = document.createElement("td");
    const e = group.find((x) => x.conn === l.conn);
    if (e !== void 0) {
      td.className = "event";
      td.append(words(e));
    }
    tr.append(td);
  }
  return tr;
}
function draw() {
  const drawnLanes = shownLanes();
  drawLanes(drawnLanes);
  const drawn = new Set(drawnLanes.map((l) => l.conn));
  const shown = groups(all.slice(0, cursor)).filter((g) => g.events.some((e) => drawn.has(e.conn))).slice(-MAX_ROWS);
  $("rows").replaceChildren(...shown.map((g) => row(g, drawnLanes)));
  $("state").textContent = `${paused ? "paused" : "live"}: event ${cursor} of ${all.length}`;
  $("pause").textContent = paused ? "resume" : "pause";
  if (!paused) scrollTo(0, document.body.scrollHeight);
}
function addLane(e) {
  if (lanes.some((l) => l.conn === e.conn)) return;
  lanes.push({
    conn: e.conn,
    door: e.door,
    peer: e.peer
  });
  const o = document.createElement("option");
  o.value = String(e.conn);
  o.textContent = `#${e.conn} ${e.door} ${e.peer}`;
  $("filter").append(o);
}
function arrived(e) {
  all.push(e);
  addLane(e);
  const welcome = e.kind === "send" ? /BEMVINDO [^\\]*?([A-Za-z0-9_-]+)!/.exec(e.text ?? "") : null;
  const lane = lanes.find((l) => l.conn === e.conn);
  if (welcome && lane && lane.nick === void 0) {
    lane.nick = welcome[1];
    drawLanes();
  }
  if (!paused && playing === void 0) {
    cursor = all.length;
    drawSoon();
  } else $("state").textContent = `paused: event ${cursor} of ${all.length}`;
}
var drawing;
function drawSoon() {
  drawing ??= setTimeout(() => {
    drawing = void 0;
    draw();
  }, 30);
}
function connect() {
  source?.close();
  source = new EventSource("/lecture/events");
  source.onmessage = (m) => arrived(JSON.parse(m.data));
  source.onerror = async () => {
    const r = await fetch("/lecture/events", {
      method: "HEAD"
    }).catch(() => void 0);
    if (r?.status === 403) {
      source?.close();
      $("login").hidden = false;
      $("token").focus();
    }
  };
}
function stopPlaying() {
  if (playing !== void 0) clearTimeout(playing);
  playing = void 0;
}
function play() {
  if (cursor >= all.length) {
    stopPlaying();
    paused = false;
    return draw();
  }
  cursor++;
  draw();
  const speed = Number($("speed").value);
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
  a.href = URL.createObjectURL(new Blob([
    text
  ], {
    type: "application/x-ndjson"
  }));
  a.download = "papo-lecture.jsonl";
  a.click();
};
$("print").onclick = () => print();
var maskToken = () => {
  const field = $("token");
  maskField(field, $("token-mask"), field.value !== "", "password");
};
$("token").oninput = maskToken;
$("login").onsubmit = async (ev) => {
  ev.preventDefault();
  const r = await fetch("/lecture/login", {
    method: "POST",
    body: $("token").value
  });
  $("token").value = "";
  maskToken();
  if (r.ok) {
    $("login").hidden = true;
    connect();
  } else $("login-error").textContent = "Wrong token / senha errada";
};
$("where").textContent = location.host;
connect();
