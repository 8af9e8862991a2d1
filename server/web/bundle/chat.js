// protocol/ascii.ts
var DIACRITICS = /[\u0300-\u036f]/g;
var NON_ASCII = /[^ -~\t\n\r]/gu;
var SPECIAL = {
  "\xDF": "ss",
  "\xE6": "ae",
  "\xC6": "AE",
  "\u0153": "oe",
  "\u0152": "OE",
  "\xF8": "o",
  "\xD8": "O",
  "\xF0": "d",
  "\xD0": "D",
  "\xFE": "th",
  "\xDE": "TH",
  "\u0142": "l",
  "\u0141": "L",
  "\u2018": "'",
  "\u2019": "'",
  "\u201C": '"',
  "\u201D": '"',
  "\u2013": "-",
  "\u2014": "-",
  "\u2026": "...",
  "\xAB": '"',
  "\xBB": '"',
  "\xA0": " "
};
function toAscii(text) {
  return text.normalize("NFKD").replace(DIACRITICS, "").replace(NON_ASCII, (ch) => SPECIAL[ch] ?? "?");
}

// server/web/pages/chat.ts
var Keyword = {
  nick: "APELIDO",
  welcome: "BEMVINDO",
  users: "USUARIOS",
  joined: "ENTROU",
  left: "SAIU",
  public: "PUBLICA",
  private: "PRIVADA",
  history: "HISTORICO",
  error: "ERRO"
};
var errorTexts = {};
fetch("/texts.json").then((r) => r.json()).then((t) => errorTexts = t).catch(() => {
});
var UI = {
  pt: {
    nick: "Apelido",
    message: "Mensagem (:texto para todos, nome:texto para um, {help})",
    join: "Entrar",
    send: "Enviar",
    online: "Online",
    messages: "Mensagens",
    connecting: "conectando\u2026",
    connected: "conectado",
    closed: "desconectado: recarregue a p\xE1gina para voltar",
    plain: "Foi para todos. Use :texto para todos, nome:texto para uma pessoa.",
    privateTo: "Mensagem privada para",
    switchTo: "English",
    from: "de"
  },
  en: {
    nick: "Nickname",
    message: "Message (:text for everyone, name:text for one, {help})",
    join: "Join",
    send: "Send",
    online: "Online",
    messages: "Messages",
    connecting: "connecting\u2026",
    connected: "connected",
    closed: "disconnected: reload the page to come back",
    plain: "It went to everyone. Use :text for everyone, name:text for one person.",
    privateTo: "Private message to",
    switchTo: "Portugu\xEAs",
    from: "from"
  }
};
var $ = (id) => document.getElementById(id);
var log = $("log");
var input = $("line");
var users = $("users");
var lang = (localStorage.getItem("papo-lang") ?? navigator.language).toLowerCase().startsWith("pt") ? "pt" : "en";
var phase = "nick";
var me = "";
var hinted = false;
var online = /* @__PURE__ */ new Set();
var scheme = location.protocol === "https:" ? "wss" : "ws";
var socket = new WebSocket(`${scheme}://${location.host}/ws`);
function label() {
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
function status(text) {
  $("status").textContent = text;
}
function show(text, kind = "") {
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
function drawUsers() {
  users.replaceChildren(...[
    ...online
  ].sort().map((nick) => {
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
  }));
}
function receive(line) {
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
      const names = rest.replace(/^\d+ online:\s*/, "").split(/,\s*/).filter((n) => /^[A-Za-z0-9_-]+$/.test(n));
      online.clear();
      for (const n of names) online.add(n);
      drawUsers();
      return show(rest, "notice");
    }
    case Keyword.joined:
      online.add(rest.split(" ")[0]);
      drawUsers();
      return show(rest, "notice");
    case Keyword.left:
      online.delete(rest.split(" ")[0]);
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
$("form").onsubmit = (e) => {
  e.preventDefault();
  let line = input.value;
  if (line === "" || socket.readyState !== WebSocket.OPEN) return;
  $("hint").textContent = "";
  if (phase === "chat" && !/^[:{]|^[A-Za-z0-9_-]+:/.test(line)) {
    line = `:${line}`;
    if (!hinted) $("hint").textContent = UI[lang].plain;
    hinted = true;
  }
  line = toAscii(line);
  socket.send(line);
  input.value = "";
  if (phase === "chat" && line.startsWith(":")) show(`${me}: ${line.slice(1)}`, "own");
};
$("lang").onclick = () => {
  lang = lang === "pt" ? "en" : "pt";
  localStorage.setItem("papo-lang", lang);
  label();
  drawUsers();
};
label();
