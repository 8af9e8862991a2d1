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
import { maskText } from "../../../wire/typed_line.ts";
import { maskField } from "./token_mask.ts";
// The terminal client's rendering (X3), pure: the page says every line as the client does,
// errors with their detail (review 7a), OK and notices in the page's language (7b).
import { ownText, type Shown, showServerLine } from "../../../client/render.ts";
import { ChatLines } from "../../../client/chat_line.ts";
// The client's own bookkeeping, shared: who is online (roster.ts), which line the server
// refused and which SAIU one's own {kick} already told (own_lines.ts) (field test).
import { OWN_WAITING_MAX, OwnLines } from "../../../client/own_lines.ts";
import { Roster } from "../../../client/roster.ts";

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
    notSent: "não enviada",
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
    notSent: "not sent",
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
/** Who is online, followed from the room's lines as the terminal client follows it. */
const roster = new Roster();
/** One's own messages waiting for the server's answer, and the kicks one's commands made. */
const ownLines = new OwnLines();
/** The entry of each own message shown, by its number, until the server's answer settles it. */
const ownShown = new Map<number, HTMLLIElement>();
// L1: no maxLength on the field: a browser cuts a paste to it without a word (field test). A
// line over the protocol's limit is refused when sent (ChatLines), and stays whole in the field.

/**
 * L8: while the field holds the teacher's token (`{admin TOKEN}`, by the rule the server's trace
 * masks it with), the page on a projector draws neither it (field test: the page showed it as
 * typed, where the client's input line shows `*`) nor its length (a password field's bullets,
 * one per character): a fixed mask beside the field says something was typed (token_mask.ts).
 */
function hideToken(): void {
  maskField(input, $("line-mask"), maskText(input.value) !== input.value);
}
input.addEventListener("input", hideToken);

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
function show(text: string, kind = ""): HTMLLIElement {
  const li = document.createElement("li");
  li.textContent = text;
  if (kind !== "") li.className = kind;
  const message = kind === "" || kind === "private" || kind === "history";
  if (message && me !== "" && new RegExp(`\\b${me}\\b`, "i").test(text.replace(/^[^:]*: /, ""))) {
    li.classList.add("mention");
  }
  log.append(li);
  log.scrollTop = log.scrollHeight;
  return li;
}

function drawUsers(): void {
  users.replaceChildren(
    ...roster.names.sort().map((nick) => {
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

/** Keeps the online list current from one line (S11, X1, P1), as the terminal client does. */
function track(line: ServerLine): void {
  if (!roster.update(line)) return; // the list is drawn again only when it may change
  drawUsers();
  if (line.kind !== "joinedMany" && line.kind !== "leftMany") return;
  // A crowd's summary (P1) names the first ones only: ask for the whole list then.
  if (line.count > line.names.length && socket.readyState === WebSocket.OPEN) {
    askedUsers++;
    socket.send("{users}");
  }
}

/**
 * One's own message refused by the server (`ERRO`): its entry is marked refused, with the
 * server's sentence beside it, and its text goes back into the field to be sent again, when
 * the field is empty.
 */
function refused(id: number, typed: string, why: string): boolean {
  const li = ownShown.get(id);
  if (li === undefined) return false;
  ownShown.delete(id);
  li.classList.replace("own", "refused");
  const reason = document.createElement("span");
  reason.className = "why";
  reason.textContent = ` — ${UI[lang].notSent}: ${why}`;
  li.append(reason);
  log.scrollTop = log.scrollHeight; // the sentence often takes a row more (field test: a phone)
  // Unless a new line is being typed there: the refused one stays in the messages, marked.
  if (input.value === "") input.value = typed;
  hideToken();
  input.focus();
  return true;
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
      return void show(say(Message.askNick, lang), "notice");
    case "welcome":
      phase = "chat";
      me = line.nick;
      label();
      break;
    case "users":
      // A list the page asked for is not shown, any of its lines; its last one answers the ask.
      if (askedUsers > 0) {
        if (!roster.listing) askedUsers--;
        return;
      }
  }
  const answer = ownLines.answer(line);
  if (answer?.kind === "told") return; // the OK of one's own {kick} said it
  const shown = showServerLine(line, lang, me);
  if (shown === undefined) return;
  if (answer?.kind === "refused" && refused(answer.own.id, answer.own.typed, shown.text)) return;
  show(shown.text, STYLE_CLASS[shown.style] ?? "");
}

socket.onopen = () => label();
socket.onmessage = (e) => receive(String(e.data));
socket.onclose = () => {
  status(UI[lang].closed);
  show(UI[lang].closed, "error");
  input.disabled = true;
  // Nobody is known to be online any more (field test: the list outlived a kick and a shutdown).
  roster.clear();
  drawUsers();
};

$<HTMLFormElement>("form").onsubmit = (e) => {
  e.preventDefault();
  const typed = input.value;
  if (typed === "" || socket.readyState !== WebSocket.OPEN) return;
  $("hint").textContent = "";
  let line = toAscii(typed); // as the client does: the wire is ASCII, accents dropped (S1, X3)
  if (phase !== "chat") {
    socket.send(line);
    input.value = "";
    hideToken();
    return;
  }
  // As the client reads it (client/chat_line.ts): a plain line goes to everyone, the user told
  // how once; `nome :texto` is private; {reply} answers the last private message; a line too
  // long is refused here, as the server would, and stays in the field.
  const chat = chatLines.typed(line);
  if (chat.kind === "tell") return void show(say(chat.text, lang), "error");
  input.value = "";
  hideToken();
  if (chat.kind === "quit") return socket.send("{quit}");
  line = chat.line;
  if (chat.tell !== undefined) $("hint").textContent = say(chat.tell, lang);
  socket.send(line);
  // The server does not echo one's own message: the page shows it, as the client does, until
  // the server refuses it (own_lines.ts).
  const own = ownLines.sent(chat.command, typed);
  if (own === undefined) return;
  ownShown.set(own.id, show(ownText(own.command, me, lang), "own"));
  // As many as may wait for an answer; an older one went (own_lines.ts).
  if (ownShown.size > OWN_WAITING_MAX) ownShown.delete(ownShown.keys().next().value!);
};

$("lang").onclick = () => {
  lang = lang === "pt" ? "en" : "pt";
  localStorage.setItem("papo-lang", lang);
  label();
  drawUsers();
};

label();
