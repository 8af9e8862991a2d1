/**
 * The chat page's script (W2), bundled by `deno task web` into
 * `server/web/bundle/chat.js`: one text field (the nickname, then the
 * message line), the room's lines shown as sentences, the user list kept
 * current, in Portuguese or English. It speaks the protocol's lines over the
 * WebSocket at `/ws`, one line per text message both ways.
 *
 * @module
 */

import { toAscii } from "../../../protocol/ascii.ts";
import type { Lang } from "../../../protocol/limits.ts";
import { Message, say } from "../../../protocol.ts";
import { parseServerLine, type ServerLine } from "../../../wire/server_lines.ts";
// The terminal client's rendering (X3), pure: the page says every line as the client does,
// errors with their detail (review 7a), OK and notices in the page's language (7b).
import { type Shown, showServerLine } from "../../../client/render.ts";
import { ChatLines } from "../../../client/chat_line.ts";

const UI = {
  pt: {
    nick: "Apelido",
    message: "Mensagem (:texto para todos, nome:texto para um, {help})",
    join: "Entrar",
    send: "Enviar",
    online: "Online",
    messages: "Mensagens",
    connecting: "conectando…",
    connected: "conectado",
    closed: "desconectado: recarregue a página para voltar",
    privateTo: "Mensagem privada para",
    switchTo: "English",
    from: "de",
  },
  en: {
    nick: "Nickname",
    message: "Message (:text for everyone, name:text for one, {help})",
    join: "Join",
    send: "Send",
    online: "Online",
    messages: "Messages",
    connecting: "connecting…",
    connected: "connected",
    closed: "disconnected: reload the page to come back",
    privateTo: "Private message to",
    switchTo: "Português",
    from: "from",
  },
} as const;

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const log = $<HTMLOListElement>("log");
const input = $<HTMLInputElement>("line");
const users = $<HTMLUListElement>("users");
let lang: Lang = (localStorage.getItem("papo-lang") ?? navigator.language).toLowerCase()
    .startsWith("pt")
  ? "pt"
  : "en";
let phase: "nick" | "chat" = "nick";
let me = "";
/** What a typed line becomes, read as the terminal client reads it (a plain line, {reply}). */
const chatLines = new ChatLines(true);
const online = new Set<string>();

const scheme = location.protocol === "https:" ? "wss" : "ws";
const socket = new WebSocket(`${scheme}://${location.host}/ws`);

/** Shows the page's words in the chosen language. */
function label(): void {
  const t = UI[lang];
  document.documentElement.lang = lang;
  $("prompt").textContent = phase === "nick" ? t.nick : t.message;
  $("send").textContent = phase === "nick" ? t.join : t.send;
  $("users-title").textContent = t.online;
  $("log-title").textContent = t.messages;
  const button = $("lang");
  button.textContent = lang === "pt" ? "EN" : "PT";
  button.setAttribute("aria-label", t.switchTo);
  status(socket.readyState === WebSocket.OPEN ? t.connected : t.connecting);
}

function status(text: string): void {
  $("status").textContent = text;
}

/** Adds one entry to the messages. */
function show(text: string, kind = ""): void {
  const li = document.createElement("li");
  li.textContent = text;
  if (kind !== "") li.className = kind;
  const message = kind === "" || kind === "private" || kind === "history";
  if (message && me !== "" && new RegExp(`\\b${me}\\b`, "i").test(text.replace(/^[^:]*: /, ""))) {
    li.classList.add("mention");
  }
  log.append(li);
  log.scrollTop = log.scrollHeight;
}

function drawUsers(): void {
  users.replaceChildren(
    ...[...online].sort().map((nick) => {
      const li = document.createElement("li");
      const b = document.createElement("button");
      b.type = "button";
      b.textContent = nick;
      b.setAttribute("aria-label", `${UI[lang].privateTo} ${nick}`);
      b.onclick = () => {
        input.value = `${nick}:`;
        input.focus();
      };
      li.append(b);
      return li;
    }),
  );
}

/** The page's class for each of the client's styles of line. */
const STYLE_CLASS: Partial<Record<Shown["style"], string>> = {
  system: "notice",
  notice: "notice",
  private: "private",
  history: "history",
  error: "error",
};

/** `{users}` lines the page asked for itself after a crowd's summary: refresh the list only. */
let askedUsers = 0;

/** Keeps the online list current from one line (X1, P1). */
function track(line: ServerLine): void {
  switch (line.kind) {
    case "users": {
      const names = line.text.replace(/^\d+ online:\s*/, "").split(/,\s*/)
        .filter((n) => /^[A-Za-z0-9_-]+$/.test(n));
      online.clear();
      for (const n of names) online.add(n);
      return drawUsers();
    }
    case "joined":
      online.add(line.nick);
      return drawUsers();
    case "left":
      online.delete(line.nick);
      return drawUsers();
    case "joinedMany":
    case "leftMany":
      // A crowd's summary (P1) names the first ones only: ask for the whole list then.
      for (const n of line.names) line.kind === "joinedMany" ? online.add(n) : online.delete(n);
      drawUsers();
      if (line.count > line.names.length && socket.readyState === WebSocket.OPEN) {
        askedUsers++;
        socket.send("{users}");
      }
  }
}

/** One line from the server, shown as a sentence in the page's language, as the client shows it. */
function receive(text: string): void {
  const line = parseServerLine(text);
  track(line);
  if (line.kind === "private") chatLines.privateFrom(line.from); // {reply} answers it
  switch (line.kind) {
    case "nick":
      phase = "nick";
      label();
      return show(say(Message.askNick, lang), "notice");
    case "welcome":
      phase = "chat";
      me = line.nick;
      label();
      break;
    case "users":
      if (askedUsers > 0) {
        askedUsers--;
        return;
      }
  }
  const shown = showServerLine(line, lang, me);
  if (shown !== undefined) show(shown.text, STYLE_CLASS[shown.style] ?? "");
}

socket.onopen = () => label();
socket.onmessage = (e) => receive(String(e.data));
socket.onclose = () => {
  status(UI[lang].closed);
  show(UI[lang].closed, "error");
  input.disabled = true;
};

$<HTMLFormElement>("form").onsubmit = (e) => {
  e.preventDefault();
  let line = input.value;
  if (line === "" || socket.readyState !== WebSocket.OPEN) return;
  $("hint").textContent = "";
  line = toAscii(line); // as the client does: the wire is ASCII, accents dropped (S1, X3)
  if (phase === "chat") {
    // As the client reads it (client/chat_line.ts): a plain line goes to everyone, the user told
    // how once; `nome :texto` is private; {reply} answers the last private message.
    const typed = chatLines.typed(line);
    input.value = "";
    if (typed.kind === "tell") return show(say(typed.text, lang), "error");
    line = typed.kind === "quit" ? "{quit}" : typed.line;
    if (typed.kind === "send" && typed.tell !== undefined) {
      $("hint").textContent = say(typed.tell, lang);
    }
  }
  socket.send(line);
  input.value = "";
  // The server does not echo one's own public line: the page shows it, as the client does.
  if (phase === "chat" && line.startsWith(":")) show(`${me}: ${line.slice(1)}`, "own");
};

$("lang").onclick = () => {
  lang = lang === "pt" ? "en" : "pt";
  localStorage.setItem("papo-lang", lang);
  label();
  drawUsers();
};

label();
