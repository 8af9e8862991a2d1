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
import type { Keyword as Keywords, Lang, Text } from "../../../protocol/limits.ts";

/** The keywords the page reads (checked against the protocol's; only types are imported,
 * so the bundle carries no module of the server). */
const Keyword = {
  nick: "APELIDO",
  welcome: "BEMVINDO",
  users: "USUARIOS",
  joined: "ENTROU",
  left: "SAIU",
  public: "PUBLICA",
  private: "PRIVADA",
  history: "HISTORICO",
  error: "ERRO",
} as const satisfies Record<string, Keywords>;

/** The error texts in both languages, from the server (`/texts.json`, made from the protocol's). */
let errorTexts: Record<string, Text> = {};
fetch("/texts.json").then((r) => r.json()).then((t) => errorTexts = t).catch(() => {});

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
    plain: "Foi para todos. Use :texto para todos, nome:texto para uma pessoa.",
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
    plain: "It went to everyone. Use :text for everyone, name:text for one person.",
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
let hinted = false;
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

/** One line from the server, shown as a sentence. */
function receive(line: string): void {
  const space = line.indexOf(" ");
  const keyword = space < 0 ? line : line.slice(0, space);
  const rest = space < 0 ? "" : line.slice(space + 1);
  switch (keyword) {
    case Keyword.nick:
      phase = "nick";
      label();
      return show(rest, "notice");
    case Keyword.welcome:
      phase = "chat";
      me = rest.replace(/^.*[ ,]([A-Za-z0-9_-]+)!$/, "$1");
      label();
      return show(rest, "notice");
    case Keyword.users: {
      const names = rest.replace(/^\d+ online:\s*/, "").split(/,\s*/)
        .filter((n) => /^[A-Za-z0-9_-]+$/.test(n));
      online.clear();
      for (const n of names) online.add(n);
      drawUsers();
      return show(rest, "notice");
    }
    case Keyword.joined:
      online.add(rest.split(" ")[0]!);
      drawUsers();
      return show(rest, "notice");
    case Keyword.left:
      online.delete(rest.split(" ")[0]!);
      drawUsers();
      return show(rest, "notice");
    case Keyword.public:
      return show(rest);
    case Keyword.private:
      return show(rest, "private");
    case Keyword.history:
      return show(rest, "history");
    case Keyword.error: {
      const text = errorTexts[String(Number(rest.slice(0, 2)))]?.[lang] ?? rest.slice(3);
      return show(`${lang === "pt" ? "Erro" : "Error"} ${rest.slice(0, 2)}: ${text}`, "error");
    }
    default:
      return show(rest === "" ? line : rest, "notice");
  }
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
  if (phase === "chat" && !/^[:{]|^[A-Za-z0-9_-]+:/.test(line)) {
    // As the client does: a plain line goes to everyone, and the user is told how, once.
    line = `:${line}`;
    if (!hinted) $("hint").textContent = UI[lang].plain;
    hinted = true;
  }
  line = toAscii(line); // as the client does: the wire is ASCII, accents dropped (S1, X3)
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
