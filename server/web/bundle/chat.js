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

// deno.json
var deno_default = {
  version: "0.1.0",
  workspace: [
    "./server/web/pages"
  ],
  exports: {
    "./server": "./server.ts",
    "./client": "./client.ts",
    "./protocol": "./protocol.ts"
  },
  imports: {
    "@redis/client": "npm:@redis/client@6.3.1",
    "puppeteer-core": "npm:puppeteer-core@25.16.0"
  },
  lock: {
    frozen: true
  },
  unstable: [
    "lazy-dynamic-imports"
  ],
  tasks: {
    server: "deno run --allow-net --allow-sys=networkInterfaces server.ts",
    "server:transcript": "deno run --allow-net --allow-sys=networkInterfaces --allow-write=aula.log server.ts --transcript aula.log",
    "server:redis": "deno run --allow-net --allow-sys=networkInterfaces --allow-env=REDIS_DEBUG_MAINTENANCE,REDIS_EMIT_DIAGNOSTICS --allow-read=server/room/redis server.ts",
    client: "deno run --allow-net client.ts",
    conformance: "deno run --allow-net conformance/main.ts",
    compile: "deno run --allow-read --allow-write --allow-run --allow-env scripts/compile.ts",
    "compile:all": "deno run --allow-read --allow-write --allow-run --allow-env scripts/compile.ts --all",
    test: "deno test --allow-net --allow-run --allow-read --allow-write --allow-env --allow-sys=networkInterfaces --doc",
    bench: "deno run --allow-net --allow-run --allow-read --allow-env --allow-sys bench/main.ts",
    "bench:redis": "deno run --allow-net --allow-run --allow-read --allow-env bench/redis_nodes.ts",
    check: "deno fmt --check && deno lint && deno check",
    web: "deno run --allow-read --allow-write --allow-run --allow-env scripts/web_bundle.ts",
    "web:screenshots": "deno run --allow-net --allow-run --allow-read --allow-write --allow-env --allow-sys scripts/web_screenshots.ts"
  },
  compilerOptions: {
    strict: true,
    exactOptionalPropertyTypes: true,
    noUncheckedIndexedAccess: true,
    useUnknownInCatchVariables: true,
    noImplicitOverride: true
  },
  fmt: {
    lineWidth: 100,
    exclude: [
      "dist/",
      "server/web/bundle/"
    ]
  },
  lint: {
    rules: {
      tags: [
        "recommended",
        "jsr"
      ],
      include: [
        "ban-untagged-todo",
        "eqeqeq",
        "explicit-module-boundary-types",
        "guard-for-in",
        "no-eval",
        "no-implicit-declare-namespace-export",
        "no-node-globals",
        "no-process-global",
        "no-self-compare",
        "no-sparse-arrays",
        "no-sync-fn-in-async-fn",
        "no-throw-literal",
        "no-useless-rename",
        "triple-slash-reference",
        "verbatim-module-syntax"
      ]
    },
    exclude: [
      "dist/",
      "server/web/bundle/"
    ]
  },
  test: {
    sanitizeOps: true,
    sanitizeResources: true,
    exclude: [
      "server/web/bundle/"
    ]
  },
  exclude: [
    "dist/"
  ]
};

// protocol/limits.ts
var VERSION = deno_default.version;
var MAX_LINE_BYTES = 1024;
var MAX_BLANK_RUN = 4;
var LONG_BLANKS = new RegExp(` {${MAX_BLANK_RUN + 1},}`, "g");
function shortenBlanks(text) {
  return text.length <= MAX_BLANK_RUN ? text : text.replace(LONG_BLANKS, " ".repeat(MAX_BLANK_RUN));
}
var MAX_NICK_LENGTH = 16;
var CRLF = "\r\n";
var Keyword = {
  /** Asks for the nickname (S4). */
  nick: "APELIDO",
  /** Welcome after a nickname is accepted (S10). */
  welcome: "BEMVINDO",
  /** Who is online (S10, X1). */
  users: "USUARIOS",
  /** Someone joined (S11). */
  joined: "ENTROU",
  /** Someone left (S11). */
  left: "SAIU",
  /** A public message (S5, S12). */
  public: "PUBLICA",
  /** A private message received (S6, S12). */
  private: "PRIVADA",
  /** A private message was delivered (S12); a teacher's command was done (C2, C3). */
  sent: "OK",
  /** A notice to everyone from the teacher or about the room (C3). */
  notice: "AVISO",
  /** A public message from before one joined (C4). */
  history: "HISTORICO",
  /** A line of the help text (X1). */
  help: "AJUDA",
  /** Goodbye after `{quit}` (S7). */
  bye: "TCHAU",
  /** An error, followed by its two-digit code. */
  error: "ERRO"
};

// protocol/commands.ts
var COMMANDS = [
  {
    name: "public",
    syntax: "public",
    phase: "chat",
    role: "anyone",
    usage: {
      pt: ":texto",
      en: ":text"
    },
    help: {
      pt: "mensagem p\xFAblica para todos",
      en: "public message to everyone"
    },
    hint: true,
    brief: {
      pt: "para todos",
      en: "for everyone"
    }
  },
  {
    name: "private",
    syntax: "private",
    phase: "chat",
    role: "anyone",
    usage: {
      pt: "apelido:texto",
      en: "nick:text"
    },
    help: {
      pt: "mensagem privada para apelido",
      en: "private message to nick"
    },
    hint: true,
    brief: {
      pt: "para uma pessoa",
      en: "for one person"
    }
  },
  {
    name: "users",
    syntax: "brace",
    phase: "chat",
    role: "anyone",
    usage: {
      pt: "{users}",
      en: "{users}"
    },
    help: {
      pt: "quem est\xE1 online",
      en: "who is online"
    },
    hint: true
  },
  {
    name: "help",
    syntax: "brace",
    phase: "chat",
    role: "anyone",
    usage: {
      pt: "{help}",
      en: "{help}"
    },
    help: {
      pt: "esta ajuda",
      en: "this help"
    },
    hint: true
  },
  {
    name: "quit",
    syntax: "brace",
    words: [
      "quit"
    ],
    phase: "both",
    role: "anyone",
    usage: {
      pt: "{quit} ou quit",
      en: "{quit} or quit"
    },
    help: {
      pt: "sair do chat",
      en: "leave the chat"
    },
    hint: true
  },
  {
    name: "admin",
    syntax: "brace",
    arg: "word",
    phase: "chat",
    role: "anyone",
    hidden: true,
    usage: {
      pt: "{admin senha}",
      en: "{admin token}"
    },
    help: {
      pt: "tornar-se o professor",
      en: "become the teacher"
    }
  },
  teacher("kick", "word", [
    "{kick apelido}",
    "remover da sala"
  ], [
    "{kick nick}",
    "remove from the room"
  ]),
  teacher("mute", "word", [
    "{mute apelido}",
    "silenciar"
  ], [
    "{mute nick}",
    "mute"
  ]),
  teacher("unmute", "word", [
    "{unmute apelido}",
    "deixar falar (apelido ou IP)"
  ], [
    "{unmute nick}",
    "let speak (nick or IP)"
  ]),
  teacher("ban", "word", [
    "{ban apelido}",
    "remover e banir o endere\xE7o"
  ], [
    "{ban nick}",
    "remove and ban the address"
  ]),
  teacher("unban", "word", [
    "{unban IP}",
    "liberar ban, kick e sil\xEAncio (IP ou apelido)"
  ], [
    "{unban IP}",
    "lift ban, kick and mute (IP or nick)"
  ]),
  teacher("bans", "none", [
    "{bans}",
    "bans, kicks e sil\xEAncios"
  ], [
    "{bans}",
    "bans, kicks and mutes"
  ]),
  teacher("lock", "none", [
    "{lock}",
    "trancar: ningu\xE9m mais entra"
  ], [
    "{lock}",
    "lock: nobody else joins"
  ]),
  teacher("unlock", "none", [
    "{unlock}",
    "destrancar"
  ], [
    "{unlock}",
    "unlock"
  ]),
  teacher("say", "text", [
    "{say texto}",
    "aviso para todos"
  ], [
    "{say text}",
    "notice to everyone"
  ])
];
function teacher(name, arg, pt, en) {
  return {
    name,
    syntax: "brace",
    arg,
    phase: "chat",
    role: "teacher",
    usage: {
      pt: pt[0],
      en: en[0]
    },
    help: {
      pt: pt[1],
      en: en[1]
    }
  };
}
var PROTOCOL_NAMES = [
  "server",
  "servidor",
  "erro",
  "papo",
  "professor",
  "teacher"
];
var RESERVED_NICKS = /* @__PURE__ */ new Set([
  ...COMMANDS.filter((c) => c.syntax === "brace").flatMap((c) => [
    c.name,
    ...c.words ?? []
  ]),
  ...PROTOCOL_NAMES,
  ...Object.values(Keyword).map((k) => k.toLowerCase())
]);
function hintForm(c, lang2) {
  return c.syntax === "brace" ? `{${c.name}}` : c.usage[lang2];
}
function listOf(items, lang2) {
  if (items.length < 2) return items.join("");
  return `${items.slice(0, -1).join(", ")} ${lang2 === "pt" ? "ou" : "or"} ${items.at(-1)}`;
}
function commandHint(lang2, brief = false) {
  const hinted = COMMANDS.filter((c) => c.hint === true);
  return listOf(hinted.map((c) => brief && c.brief ? `${hintForm(c, lang2)} ${c.brief[lang2]}` : hintForm(c, lang2)), lang2);
}
var HELP_COLUMN = {
  pt: 16,
  en: 15
};
function helpTexts(role = "anyone", only = () => true) {
  const shown = COMMANDS.filter((c) => c.phase !== "nick" && c.hidden !== true && (role === "teacher" || c.role === "anyone") && only(c));
  const column = (lang2) => Math.max(HELP_COLUMN[lang2], ...shown.map((c) => c.usage[lang2].length + 2));
  const width = {
    pt: column("pt"),
    en: column("en")
  };
  const entry = (c, lang2) => c.usage[lang2].padEnd(width[lang2]) + c.help[lang2];
  return shown.map((c) => ({
    pt: entry(c, "pt"),
    en: entry(c, "en")
  }));
}
var HELP = helpTexts();

// protocol/texts.ts
var ErrorCode = {
  /** Nickname already in use. */
  nickTaken: 1,
  /** No such user for a private message. */
  noSuchUser: 2,
  /** Connection closed by force (shutdown, a limit, connection lost). */
  forcedClose: 3,
  /** The server cannot be reached (client side). */
  badServer: 4,
  /** The server's IP address is invalid (server start-up). */
  badAddress: 5,
  /** Invalid nickname (L3). */
  badNick: 6,
  /** Invalid command. */
  badCommand: 7,
  /** Line too long (L1). */
  lineTooLong: 8,
  /** Text that is not ASCII (S1). */
  notAscii: 9,
  /** Messages too fast (L4). */
  flood: 10,
  /** Server full (L5). */
  serverFull: 11,
  /** Wrong teacher's token (C2). */
  badToken: 12,
  /** A teacher's command from someone else (C3). */
  teacherOnly: 13,
  /** The sender is muted (C3). */
  muted: 14,
  /** The address is banned (C3). */
  banned: 15,
  /** The room is locked (C3). */
  locked: 16,
  /** The room's shared engine (Redis) is away: nothing was done (N5). */
  roomDown: 17
};
var ERROR_TEXTS = {
  1: {
    pt: "Esse apelido j\xE1 est\xE1 em uso",
    en: "That nickname is already in use"
  },
  2: {
    pt: "Destino da mensagem privada n\xE3o existe",
    en: "The private message's recipient does not exist"
  },
  3: {
    pt: "Cancelamento de conex\xE3o for\xE7ado",
    en: "Connection closed by force"
  },
  4: {
    pt: "Servidor de destino \xE9 inv\xE1lido",
    en: "The destination server is invalid"
  },
  5: {
    pt: "Endere\xE7o IP do servidor \xE9 inv\xE1lido",
    en: "The server's IP address is invalid"
  },
  6: {
    pt: "Apelido inv\xE1lido",
    en: "Invalid nickname"
  },
  7: {
    pt: "Comando inv\xE1lido",
    en: "Invalid command"
  },
  8: {
    pt: "Linha longa demais",
    en: "Line too long"
  },
  9: {
    pt: "Texto n\xE3o ASCII",
    en: "Text is not ASCII"
  },
  10: {
    pt: "Mensagens r\xE1pidas demais",
    en: "Messages too fast"
  },
  11: {
    pt: "Servidor cheio",
    en: "Server full"
  },
  12: {
    pt: "Senha de professor incorreta",
    en: "Wrong teacher's token"
  },
  13: {
    pt: "Comando s\xF3 do professor",
    en: "Only the teacher may do that"
  },
  14: {
    pt: "Voc\xEA est\xE1 silenciado",
    en: "You are muted"
  },
  15: {
    pt: "Endere\xE7o banido",
    en: "Address banned"
  },
  16: {
    pt: "Sala trancada",
    en: "Room locked"
  },
  17: {
    pt: "Sala indispon\xEDvel",
    en: "Room unavailable"
  }
};
var Detail = {
  nickRules: {
    pt: `use de 1 a ${MAX_NICK_LENGTH} letras, d\xEDgitos, _ ou -`,
    en: `use 1 to ${MAX_NICK_LENGTH} letters, digits, _ or -`
  },
  nickReserved: {
    pt: "nome reservado; digite {quit} para sair",
    en: "reserved name; type {quit} to leave"
  },
  emptyMessage: {
    pt: "mensagem vazia",
    en: "empty message"
  },
  unknownCommand: {
    pt: `use ${commandHint("pt")}`,
    en: `use ${commandHint("en")}`
  },
  lineLimit: {
    pt: `m\xE1ximo de ${MAX_LINE_BYTES} bytes; linha descartada`,
    en: `at most ${MAX_LINE_BYTES} bytes; line dropped`
  },
  /** W2: a WebSocket message holding a line break (one message is one line). */
  oneLine: {
    pt: "uma mensagem \xE9 uma linha: quebra de linha no meio; mensagem descartada",
    en: "one message is one line: a line break inside; message dropped"
  },
  asciiOnly: {
    pt: "n\xE3o \xE9 UTF-8 (terminal em Latin-1 ou CP850?): configure o terminal em UTF-8 ou digite sem acentos; linha descartada",
    en: "not UTF-8 (a Latin-1 or CP850 terminal?): set the terminal to UTF-8 or type without accents; line dropped"
  },
  slowDown: {
    pt: "aguarde; suas linhas ser\xE3o entregues mais devagar",
    en: "wait; your lines will be delivered more slowly"
  },
  shutdown: {
    pt: "servidor encerrado",
    en: "server shut down"
  },
  queueFull: {
    pt: "cliente n\xE3o l\xEA o que recebe",
    en: "client is not reading"
  },
  nickTimeout: {
    pt: "tempo para o apelido esgotado",
    en: "nickname timed out"
  },
  tooManyFromAddress: {
    pt: "conex\xF5es demais deste endere\xE7o",
    en: "too many connections from this address"
  },
  tooManyWaitingHere: {
    pt: "conex\xF5es demais sem apelido deste endere\xE7o",
    en: "too many connections without a nickname from this address"
  },
  tooManyWaiting: {
    pt: "conex\xF5es demais esperando apelido",
    en: "too many connections waiting for a nickname"
  },
  roomUnavailable: {
    pt: "sala indispon\xEDvel; tente de novo",
    en: "room unavailable; try again"
  },
  connectionLost: {
    pt: "conex\xE3o perdida",
    en: "connection lost"
  },
  refused: {
    pt: "conex\xE3o recusada",
    en: "connection refused"
  },
  timedOut: {
    pt: "tempo de conex\xE3o esgotado",
    en: "connection timed out"
  },
  badHost: {
    pt: "endere\xE7o n\xE3o encontrado",
    en: "address not found"
  },
  kicked: {
    pt: "removido pelo professor",
    en: "removed by the teacher"
  },
  /** A kicked address coming back before its minutes end: followed by the minutes left. */
  kickedLeft: {
    pt: "removido pelo professor; minutos para voltar",
    en: "removed by the teacher; minutes before coming back"
  },
  tooManyTries: {
    pt: "tentativas demais",
    en: "too many tries"
  },
  tokenLocked: {
    pt: "senhas erradas demais deste endere\xE7o; {admin} recusado por 10 minutos",
    en: "too many wrong tokens from this address; {admin} refused for 10 minutes"
  },
  joinsTooFast: {
    pt: "entradas demais deste endere\xE7o; aguarde, seu apelido ser\xE1 registrado em instantes",
    en: "too many joins from this address; wait, your nickname will be registered shortly"
  },
  kickedWait: {
    pt: "removido pelo professor h\xE1 pouco; tente mais tarde",
    en: "removed by the teacher a moment ago; try later"
  },
  mutedHint: {
    pt: "mensagem n\xE3o enviada; s\xF3 mensagens privadas ao professor passam (professor:texto)",
    en: "message not sent; only private messages to the teacher go through (teacher:text)"
  },
  usage: {
    pt: "uso",
    en: "usage"
  },
  notYourself: {
    pt: "n\xE3o a si mesmo",
    en: "not yourself"
  },
  loginRefused: {
    pt: "entrada recusada por enquanto; digite seu apelido de novo em instantes",
    en: "login refused for now; type your nickname again in a moment"
  },
  notSent: {
    pt: "mensagem n\xE3o enviada; tente de novo em instantes",
    en: "message not sent; try again in a moment"
  },
  notDone: {
    pt: "comando n\xE3o feito; tente de novo em instantes",
    en: "command not done; try again in a moment"
  },
  nickLost: {
    pt: "seu apelido foi tomado enquanto a sala estava indispon\xEDvel",
    en: "your nickname was taken while the room was unavailable"
  }
};
var Message = {
  askNick: {
    pt: "Digite seu apelido (ou {quit} para sair)",
    en: "Type your nickname (or {quit} to leave)"
  },
  welcome: {
    pt: "Bem-vindo ao papo, %s!",
    en: "Welcome to papo, %s!"
  },
  online: {
    pt: "%s online: %s",
    en: "%s online: %s"
  },
  more: {
    pt: "e mais %s; digite {users}",
    en: "and %s more; type {users}"
  },
  joined: {
    pt: "%s entrou no chat",
    en: "%s joined the chat"
  },
  left: {
    pt: "%s saiu do chat",
    en: "%s left the chat"
  },
  received: {
    pt: "Mensagem recebida de: %s",
    en: "Message received from: %s"
  },
  sent: {
    pt: "Mensagem enviada",
    en: "Message sent"
  },
  bye: {
    pt: "At\xE9 logo",
    en: "See you"
  },
  leftRemoved: {
    pt: "%s foi removido pelo professor",
    en: "%s was removed by the teacher"
  },
  joinedMany: {
    pt: "%s pessoas entraram (%s online): %s",
    en: "%s people joined (%s online): %s"
  },
  leftMany: {
    pt: "%s pessoas sa\xEDram (%s online): %s",
    en: "%s people left (%s online): %s"
  },
  andMore: {
    pt: "%s e mais %s",
    en: "%s and %s more"
  },
  teacher: {
    pt: "voc\xEA agora \xE9 o professor; digite {help}",
    en: "you are now the teacher; type {help}"
  },
  teacherSays: {
    pt: "professor: %s",
    en: "teacher: %s"
  },
  mutedBy: {
    pt: "%s foi silenciado pelo professor",
    en: "%s was muted by the teacher"
  },
  unmutedBy: {
    pt: "%s pode falar de novo",
    en: "%s may speak again"
  },
  lockedBy: {
    pt: "a sala foi trancada pelo professor; ningu\xE9m mais entra",
    en: "the room was locked by the teacher; nobody else joins"
  },
  unlockedBy: {
    pt: "a sala foi destrancada",
    en: "the room was unlocked"
  },
  alive: {
    pt: "sim, o servidor est\xE1 aqui",
    en: "yes, the server is here"
  },
  howTo: {
    pt: `Digite ${commandHint("pt", true)}`,
    en: `Type ${commandHint("en", true)}`
  },
  kickDone: {
    pt: "%s foi removido",
    en: "%s was removed"
  },
  banDone: {
    pt: "%s foi removido e o endere\xE7o %s banido",
    en: "%s was removed and address %s banned"
  },
  unbanDone: {
    pt: "liberado: %s",
    en: "lifted: %s"
  },
  notBanned: {
    pt: "nada a liberar para %s: nenhum ban, kick ou sil\xEAncio com esse endere\xE7o ou apelido; veja {bans}",
    en: "nothing to lift for %s: no ban, kick or mute with that address or nickname; see {bans}"
  },
  nobodyOnline: {
    pt: "Ningu\xE9m online com esse apelido",
    en: "Nobody online with that nickname"
  },
  bans: {
    pt: "banidos: %s",
    en: "banned: %s"
  },
  noBans: {
    pt: "nenhum endere\xE7o banido",
    en: "no address banned"
  },
  alreadyMuted: {
    pt: "%s j\xE1 estava silenciado",
    en: "%s was muted already"
  },
  notMuted: {
    pt: "%s n\xE3o estava silenciado; nada mudou",
    en: "%s was not muted; nothing changed"
  },
  alreadyLocked: {
    pt: "a sala j\xE1 estava trancada; nada mudou",
    en: "the room was locked already; nothing changed"
  },
  notLocked: {
    pt: "a sala n\xE3o estava trancada; nada mudou",
    en: "the room was not locked; nothing changed"
  }
};

// protocol/lines.ts
function fill(template, ...args) {
  let i = 0;
  return template.replace(/%s/g, () => args[i++] ?? "");
}
function say(text, lang2, ...args) {
  return fill(text[lang2], ...args);
}
function wire(text, ...args) {
  return toAscii(fill(text.pt, ...args));
}
function line(keyword, text) {
  return `${keyword} ${text}${CRLF}`;
}
var NICK_PROMPT_LINE = line(Keyword.nick, wire(Message.askNick));
var NOTICE_TEXTS = {
  say: Message.teacherSays,
  muted: Message.mutedBy,
  unmuted: Message.unmutedBy,
  locked: Message.lockedBy,
  unlocked: Message.unlockedBy,
  alive: Message.alive
};
var PRIVATE_PREFIX = wire(Message.received, "");
var PUBLIC_TEMPLATE = {
  head: `${Keyword.public} `,
  between: ": ",
  end: CRLF
};
var PRIVATE_TEMPLATE = {
  head: `${Keyword.private} ${PRIVATE_PREFIX}`,
  between: ": ",
  end: CRLF
};
var SENT_LINE = line(Keyword.sent, wire(Message.sent));
function helpLines(role = "anyone", only) {
  return helpTexts(role, only).map((h) => line(Keyword.help, wire(h))).join("");
}
var HELP_LINES = helpLines();
var HOW_TO_LINE = line(Keyword.help, wire(Message.howTo));

// wire/server_lines.ts
function parseServerLine(text) {
  const space = text.indexOf(" ");
  const keyword = space < 0 ? text : text.slice(0, space);
  const rest = space < 0 ? "" : text.slice(space + 1);
  switch (keyword) {
    case Keyword.nick:
      return {
        kind: "nick"
      };
    case Keyword.welcome: {
      const m = /, ([^ ,!]+)!$/.exec(rest);
      return {
        kind: "welcome",
        nick: m?.[1] ?? ""
      };
    }
    case Keyword.users:
      return {
        kind: "users",
        text: rest
      };
    case Keyword.joined:
      return many("joinedMany", rest) ?? {
        kind: "joined",
        nick: firstWord(rest)
      };
    case Keyword.left: {
      const summary = many("leftMany", rest);
      if (summary) return summary;
      const nick = firstWord(rest);
      return rest === wire(Message.leftRemoved, nick) ? {
        kind: "left",
        nick,
        removed: true
      } : {
        kind: "left",
        nick
      };
    }
    case Keyword.public: {
      const at = rest.indexOf(": ");
      if (at > 0) return {
        kind: "public",
        from: rest.slice(0, at),
        text: rest.slice(at + 2)
      };
      break;
    }
    case Keyword.private: {
      if (rest.startsWith(PRIVATE_PREFIX)) {
        const body = rest.slice(PRIVATE_PREFIX.length);
        const at = body.indexOf(": ");
        if (at > 0) return {
          kind: "private",
          from: body.slice(0, at),
          text: body.slice(at + 2)
        };
      }
      break;
    }
    case Keyword.sent:
      return rest === SENT_TEXT ? {
        kind: "sent"
      } : {
        kind: "ok",
        text: rest
      };
    case Keyword.notice:
      return {
        kind: "notice",
        text: rest
      };
    case Keyword.history: {
      const m = /^(\d\d:\d\d) ([^:]+): (.*)$/.exec(rest);
      if (m) return {
        kind: "history",
        time: m[1],
        from: m[2],
        text: m[3]
      };
      break;
    }
    case Keyword.help:
      return {
        kind: "help",
        text: rest
      };
    case Keyword.bye:
      return {
        kind: "bye"
      };
    case Keyword.error: {
      const m = /^(\d\d) ([^:]*)(?:: (.*))?$/.exec(rest);
      if (m) return {
        kind: "error",
        code: Number(m[1]),
        detail: m[3] ?? ""
      };
      break;
    }
  }
  return {
    kind: "other",
    text
  };
}
var SENT_TEXT = wire(Message.sent);
var MANY = {
  joinedMany: wireTemplate(Message.joinedMany),
  leftMany: wireTemplate(Message.leftMany)
};
var AND_MORE = new RegExp(` ${escapeRegExp(toAscii(Message.andMore.pt).replace("%s ", "")).replace("%s", "\\d+")}$`);
function escapeRegExp(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
function wireTemplate(text) {
  return new RegExp(`^${escapeRegExp(toAscii(text.pt)).replaceAll("%s", "(.*)")}$`);
}
function many(kind, rest) {
  const m = MANY[kind].exec(rest);
  if (m === null || !/^\d+$/.test(m[1]) || !/^\d+$/.test(m[2])) return void 0;
  const names = m[3].replace(AND_MORE, "").split(", ").filter((n) => n !== "");
  return {
    kind,
    count: Number(m[1]),
    online: Number(m[2]),
    names
  };
}
function firstWord(text) {
  const space = text.indexOf(" ");
  return space < 0 ? text : text.slice(0, space);
}
function describeError(code, detail, lang2) {
  const known = ERROR_TEXTS[code];
  const meaning = known ? known[lang2] : "?";
  const shown = detail === "" ? "" : ` (${translateDetail(detail, lang2)})`;
  return `ERRO ${String(code).padStart(2, "0")}: ${meaning}${shown}`;
}
var DETAIL_BY_WIRE = new Map(Object.values(Detail).map((d) => [
  toAscii(d.pt),
  d
]));
function translateDetail(detail, lang2) {
  const known = DETAIL_BY_WIRE.get(detail);
  if (known !== void 0) return known[lang2];
  const at = detail.indexOf(": ");
  const head = at < 0 ? void 0 : DETAIL_BY_WIRE.get(detail.slice(0, at));
  return head === void 0 ? detail : `${head[lang2]}${detail.slice(at)}`;
}

// wire/ascii.ts
function latin1(buf, len = buf.length) {
  if (len <= 256) {
    return String.fromCharCode.apply(null, buf.subarray(0, len));
  }
  let s = "";
  for (let i = 0; i < len; i += 256) {
    s += String.fromCharCode.apply(null, buf.subarray(i, Math.min(len, i + 256)));
  }
  return s;
}

// wire/line_echo.ts
var BS = 8;
var SPACE = 32;
var QUESTION = 63;
var CR = 13;
var LF = 10;
var ERASE = [
  BS,
  SPACE,
  BS
];
var UTF8 = new TextDecoder("utf-8", {
  fatal: true
});
function sequenceLength(lead) {
  return lead >= 240 && lead < 248 ? 4 : lead >= 224 ? lead < 240 ? 3 : 1 : lead >= 194 ? 2 : 1;
}
function charStart(buf, end) {
  let start = end - 1;
  while (start > end - 4 && start > 0 && (buf[start] & 192) === 128) start--;
  const need = sequenceLength(buf[start]);
  if (need === 1) return end - 1;
  return end - start === need ? start : end - start < need ? -1 : end - 1;
}
function folded(buf, start, end) {
  try {
    return toAscii(UTF8.decode(buf.subarray(start, end)));
  } catch {
    return "?";
  }
}
var LineEcho = class {
  #fold;
  #out = [];
  /** @param fold Whether UTF-8 is echoed made ASCII (else a byte over 127 is `?`). */
  constructor(fold) {
    this.#fold = fold;
  }
  /** The echo made since the last call, or `undefined` when there is none. */
  take() {
    if (this.#out.length === 0) return void 0;
    const echo = new Uint8Array(this.#out);
    this.#out = [];
    return echo;
  }
  /** A byte past the line's cap, counted, not kept: shown as it comes. */
  past(b) {
    this.#out.push(b > 127 ? QUESTION : b);
  }
  /** Shows `text` (ASCII): the fixed mask of the teacher's token, at its line's end (L8). */
  mask(text) {
    for (let i = 0; i < text.length; i++) this.#out.push(text.charCodeAt(i));
  }
  /**
   * The byte that ends `buf`'s first `len` bytes was kept: a character shows
   * once its last byte comes, as the ASCII the others will read.
   */
  kept(buf, len) {
    const b = buf[len - 1];
    if (b <= 127) this.#out.push(b);
    else if (!this.#fold) this.#out.push(QUESTION);
    else {
      const start = charStart(buf, len);
      if (start < 0) return;
      const shown = folded(buf, start, len);
      for (let i = 0; i < shown.length; i++) this.#out.push(shown.charCodeAt(i));
    }
  }
  /** The last character, `buf` from `start` to `end`, was erased: as many columns as its echo took. */
  erased(buf, start, end) {
    if (!this.#fold || buf[end - 1] <= 127) return this.erase(1);
    this.erase(charStart(buf, end) < 0 ? 0 : folded(buf, start, end).length);
  }
  /** Erases `columns` columns. */
  erase(columns) {
    for (let i = 0; i < columns; i++) this.#out.push(...ERASE);
  }
  /** The line ended (or was dropped): the echo ends its row. */
  newline() {
    this.#out.push(CR, LF);
  }
};

// wire/token_start.ts
var SPACE2 = 32;
var ADMIN = [
  123,
  97,
  100,
  109,
  105,
  110,
  32
];
var MAX_LEAD = 16;
var TOKEN_BEFORE = MAX_LEAD + ADMIN.length;
function tokenStart(buf, len) {
  let i = 0;
  while (i < len && i < MAX_LEAD && buf[i] === SPACE2) i++;
  if (len - i !== ADMIN.length) return -1;
  for (let j = 0; j < ADMIN.length; j++) {
    const b = buf[i + j];
    if (b !== ADMIN[j] && (b | 32) !== ADMIN[j]) return -1;
  }
  return len;
}
function mayBeAdmin(buf, len, bytes, from, to) {
  for (let i = 0; i <= MAX_LEAD; i++) {
    const b = i < len ? buf[i] : from + i - len < to ? bytes[from + i - len] : -1;
    if (b === -1) return true;
    if (b !== SPACE2) return b === ADMIN[0];
  }
  return false;
}

// wire/typed_line.ts
var SPACE3 = 32;
var LF2 = 10;
var MIN_BUF = 64;
var UTF82 = new TextDecoder("utf-8", {
  fatal: true
});
var ASCII = new TextDecoder();
var TOO_LONG = {
  kind: "tooLong"
};
var NOT_ASCII = {
  kind: "notAscii"
};
var TypedLine = class {
  #buf;
  #max;
  #high;
  #len = 0;
  /** Bytes past the cap: counted, never kept; backspace takes them first. */
  #excess = 0;
  /** How many bytes over 127 the line holds (backspace may erase them). */
  #highCount = 0;
  /** Where the token starts when the line is `{admin ...`; -1 when it is not. */
  #secretFrom = -1;
  /** Whether the line held something that was no text at all (it is `notAscii`). */
  #tainted = false;
  /** What is echoed since {@linkcode takeEcho}, when echoing. */
  #echo;
  /**
   * @param maxBytes The most bytes a line may have.
   * @param high What bytes over 127 become.
   */
  constructor(maxBytes, high) {
    this.#max = maxBytes;
    this.#high = high;
    this.#buf = new Uint8Array(Math.min(maxBytes, MIN_BUF));
  }
  /** How many bytes of the unfinished line are held. */
  get pending() {
    return this.#len;
  }
  /** Whether nothing has been typed since the last line's end (or all was erased). */
  get empty() {
    return this.#len === 0 && this.#excess === 0;
  }
  /**
   * Whether the line holds the teacher's token from here on (`{admin ` was
   * typed): each key now is part of it, until the line ends (L8).
   */
  get inToken() {
    return this.#secretFrom >= 0;
  }
  /** Whether what is typed is echoed (a character-mode telnet asked for it). */
  get echo() {
    return this.#echo !== void 0;
  }
  set echo(on) {
    this.#echo = on ? this.#echo ?? new LineEcho(this.#high === "fold") : void 0;
  }
  /** The echo made since the last call, or `undefined` when there is none. */
  takeEcho() {
    return this.#echo?.take();
  }
  /** A byte kept although it is not ASCII text (a telnet subnegotiation that never ended). */
  taint() {
    this.#tainted = true;
  }
  /**
   * Adds a typed byte to the line.
   * @returns Whether the byte is part of the teacher's token (to be shown as `*`).
   */
  keep(b) {
    const secret = this.#secretFrom >= 0;
    if (b > 127) this.#highCount++;
    if (this.#len >= this.#max) {
      this.#excess++;
      if (!secret) this.#echo?.past(b);
      return secret;
    }
    this.#room(1);
    this.#buf[this.#len++] = b;
    if (!secret) this.#echo?.kept(this.#buf, this.#len);
    if (!secret && b === SPACE3) this.#secretFrom = tokenStart(this.#buf, this.#len);
    return secret;
  }
  /**
   * Adds a run of printable ASCII bytes (`bytes` from `from` to `to`), as
   * {@linkcode keep} does byte by byte.
   * @returns Where the teacher's token starts in the run (every byte from
   *   there on is part of it), or -1 when none of the run is.
   */
  keepRun(bytes, from, to) {
    let i = from;
    const mayBegin = this.#len < TOKEN_BEFORE && mayBeAdmin(this.#buf, this.#len, bytes, from, to);
    for (; i < to && (mayBegin && this.#len < TOKEN_BEFORE || this.#echo || this.#secretFrom >= 0); i++) {
      if (!this.keep(bytes[i])) continue;
      for (let j = i + 1; j < to; j++) this.keep(bytes[j]);
      return i;
    }
    const kept = Math.min(to - i, this.#max - this.#len);
    if (kept > 0) {
      this.#room(kept);
      const buf = this.#buf;
      let len = this.#len;
      for (let j = i; j < i + kept; j++) buf[len++] = bytes[j];
      this.#len = len;
    }
    this.#excess += to - i - kept;
    return -1;
  }
  /** Grows the buffer (4 times at a step, at most the line's limit) to hold `n` more bytes. */
  #room(n) {
    const need = this.#len + n;
    if (need <= this.#buf.length) return;
    let size = this.#buf.length * 4;
    while (size < need) size *= 4;
    const bigger = new Uint8Array(Math.min(this.#max, size));
    bigger.set(this.#buf.subarray(0, this.#len));
    this.#buf = bigger;
  }
  /** Backspace or DEL: the last character goes (bytes past the cap first). */
  erase() {
    if (this.#excess > 0) {
      this.#excess--;
      if (this.#secretFrom < 0) this.#echo?.erase(1);
      return;
    }
    if (this.#len === 0) return;
    let start = this.#len - 1;
    if (this.#buf[start] > 127 && this.#high === "fold") {
      while (start > 0 && (this.#buf[start] & 192) === 128) start--;
    }
    if (this.#secretFrom < 0 || start < this.#secretFrom) {
      this.#echo?.erased(this.#buf, start, this.#len);
    }
    for (let i = start; i < this.#len; i++) if (this.#buf[i] > 127) this.#highCount--;
    this.#len = start;
    if (this.#len < this.#secretFrom) this.#secretFrom = -1;
  }
  /** Telnet's erase line (EL): the whole unfinished line goes. */
  eraseLine() {
    const shown = this.partial().length + (this.#secretFrom >= 0 ? 0 : this.#excess);
    this.#clear();
    this.#echo?.erase(shown);
  }
  /** The unfinished line is dropped (the user pressed Ctrl+C): the echo ends its row. */
  discard() {
    if (!this.empty) this.#echo?.newline();
    this.#clear();
  }
  /**
   * The unfinished line as the user's screen shows it (for drawing it
   * again): up to where the token begins (its keys are echoed by nothing, L8).
   */
  partial() {
    let text = this.#high === "fold" && this.#highCount > 0 ? toAscii(new TextDecoder().decode(this.#buf.subarray(0, this.#len))) : latin1(this.#buf, this.#len).replace(/[^ -~]/g, "?");
    if (this.#secretFrom >= 0) text = text.slice(0, this.#secretFrom);
    const out = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
    return out;
  }
  /** Forgets the unfinished line: a fresh one begins. */
  #clear() {
    this.#len = 0;
    this.#excess = 0;
    this.#highCount = 0;
    this.#tainted = false;
    this.#secretFrom = -1;
  }
  /** The line's end: what it was, and a fresh line begins. */
  end() {
    let ended;
    if (this.#excess > 0) ended = TOO_LONG;
    else if (this.#tainted) ended = NOT_ASCII;
    else if (this.#highCount === 0) {
      ended = {
        kind: "line",
        text: ASCII.decode(this.#buf.subarray(0, this.#len))
      };
    } else if (this.#high === "latin1") {
      ended = {
        kind: "line",
        text: latin1(this.#buf, this.#len)
      };
    } else if (this.#high === "fold") {
      try {
        ended = {
          kind: "line",
          text: toAscii(UTF82.decode(this.#buf.subarray(0, this.#len)))
        };
      } catch {
        ended = NOT_ASCII;
      }
    } else ended = NOT_ASCII;
    if (this.#secretFrom >= 0) this.#echo?.mask(TOKEN_MASK);
    this.#echo?.newline();
    this.#clear();
    if (this.#buf.length > 4 * MIN_BUF) this.#buf = new Uint8Array(MIN_BUF);
    return ended;
  }
};
var TOKEN_MASK = "********";
function maskText(text) {
  let out = "";
  let from = 0;
  for (const i of tokenAt(text.length, (i2) => Math.min(text.charCodeAt(i2), 255))) {
    out += text.slice(from, i) + "*";
    from = i + 1;
  }
  return from === 0 ? text : out + text.slice(from);
}
function* tokenAt(length, at) {
  const line2 = new TypedLine(Math.max(length, 1), "latin1");
  for (let i = 0; i < length; i++) {
    const b = at(i);
    if (b === LF2) line2.end();
    else if (line2.keep(b)) yield i;
  }
}

// server/web/pages/token_mask.ts
var TOKEN_MASK2 = "\u2022\u2022\u2022\u2022\u2022\u2022\u2022\u2022";
function maskField(field, mask, secret, plain = "text") {
  const type = secret ? "password" : plain;
  if (field.type !== type) field.type = type;
  field.classList.toggle("secret", secret);
  mask.textContent = secret ? TOKEN_MASK2 : "";
}

// client/render.ts
var TEXTS = {
  askHost: {
    pt: "Endere\xE7o IP do servidor [%s]: ",
    en: "Server IP address [%s]: "
  },
  askPort: {
    pt: "Porta [%s]: ",
    en: "Port [%s]: "
  },
  askNick: {
    pt: "%s: ",
    en: "%s: "
  },
  connecting: {
    pt: "Conectando a %s porta %s...",
    en: "Connecting to %s port %s..."
  },
  connected: {
    pt: "Conectado a %s porta %s",
    en: "Connected to %s port %s"
  },
  hint: Message.howTo,
  privateTo: {
    pt: "Mensagem para %s",
    en: "Message to %s"
  },
  notSentMuted: {
    pt: "n\xE3o enviada: voc\xEA est\xE1 silenciado; professor:texto passa",
    en: "not sent: you are muted; teacher:text goes through"
  },
  badPort: {
    pt: 'Porta inv\xE1lida "%s": use um n\xFAmero de 1 a 65535',
    en: 'Invalid port "%s": use a number from 1 to 65535'
  },
  badLang: {
    pt: 'Idioma inv\xE1lido "%s": use pt ou en',
    en: 'Invalid language "%s": use pt or en'
  },
  badFlags: {
    pt: "Op\xE7\xF5es inv\xE1lidas: %s",
    en: "Invalid options: %s"
  },
  blankNick: {
    pt: "Apelido em branco em --nick: use de 1 a 16 letras, d\xEDgitos, _ ou -",
    en: "Blank nickname in --nick: use 1 to 16 letters, digits, _ or -"
  },
  seeHelp: {
    pt: "Veja --help.",
    en: "See --help."
  }
};
var WIRE_MORE = new RegExp(` ${escapeRegExp(toAscii(Message.more.pt)).replace("%s", "(\\d+)")}$`);
var HELP_BY_WIRE = new Map(
  // column is wider than everyone's, so both are known.
  [
    ...helpTexts("anyone"),
    ...helpTexts("teacher"),
    Message.howTo
  ].map((h) => [
    toAscii(h.pt),
    h
  ])
);
function showServerLine(line2, lang2, nick = "") {
  switch (line2.kind) {
    case "nick":
      return void 0;
    case "welcome":
      return {
        style: "system",
        text: say(Message.welcome, lang2, line2.nick)
      };
    case "users": {
      const text = line2.text.replace(WIRE_MORE, (_, n) => ` ${say(Message.more, lang2, n)}`);
      return {
        style: "system",
        text
      };
    }
    case "joined":
      return {
        style: "system",
        text: say(Message.joined, lang2, line2.nick)
      };
    case "left":
      return {
        style: "system",
        text: say(line2.removed ? Message.leftRemoved : Message.left, lang2, line2.nick)
      };
    case "joinedMany":
    case "leftMany": {
      const shown = line2.names.join(", ");
      const names = line2.count > line2.names.length ? say(Message.andMore, lang2, shown, String(line2.count - line2.names.length)) : shown;
      const text = line2.kind === "joinedMany" ? Message.joinedMany : Message.leftMany;
      return {
        style: "system",
        text: say(text, lang2, String(line2.count), String(line2.online), names)
      };
    }
    case "public":
      return {
        style: "public",
        text: `${line2.from}: ${line2.text}`
      };
    case "private":
      return {
        style: "private",
        text: `${say(Message.received, lang2, line2.from)}: ${line2.text}`
      };
    case "sent":
      return {
        style: "system",
        text: say(Message.sent, lang2)
      };
    case "ok":
      return {
        style: "system",
        text: translate(line2.text, lang2)
      };
    case "notice":
      return {
        style: "notice",
        text: translate(line2.text, lang2)
      };
    case "history":
      return {
        style: "history",
        text: `[${line2.time}] ${line2.from}: ${line2.text}`
      };
    case "help":
      return {
        style: "system",
        text: HELP_BY_WIRE.get(line2.text)?.[lang2] ?? line2.text
      };
    case "bye":
      return {
        style: "system",
        text: say(Message.bye, lang2) + (nick === "" ? "" : `, ${nick}`)
      };
    case "error":
      if (line2.code === ErrorCode.noSuchUser && line2.detail.startsWith("{")) {
        return {
          style: "error",
          text: `ERRO 02: ${say(Message.nobodyOnline, lang2)} (${line2.detail})`
        };
      }
      return {
        style: "error",
        text: describeError(line2.code, line2.detail, lang2)
      };
    case "other":
      return {
        style: "system",
        text: line2.text
      };
  }
}
var TEMPLATES = [
  Message.teacher,
  Message.teacherSays,
  Message.mutedBy,
  Message.unmutedBy,
  Message.lockedBy,
  Message.unlockedBy,
  Message.kickDone,
  Message.banDone,
  Message.unbanDone,
  Message.notBanned,
  Message.bans,
  Message.noBans,
  Message.alreadyMuted,
  Message.notMuted,
  Message.alreadyLocked,
  Message.notLocked
].map((t) => [
  wireTemplate(t),
  t
]);
function translate(text, lang2) {
  for (const [pattern, t] of TEMPLATES) {
    const m = pattern.exec(text);
    if (m) return say(t, lang2, ...m.slice(1));
  }
  return text;
}
function clientError(code, detail, lang2) {
  const wire2 = typeof detail === "object" ? detail.data : toAscii(Detail[detail].pt);
  return describeError(code, wire2, lang2);
}
function ownText(command, nick, lang2) {
  return command.kind === "public" ? `${nick}: ${command.text}` : `${say(TEXTS.privateTo, lang2, command.to)}: ${command.text}`;
}

// wire/commands.ts
var TABLE = COMMANDS;
var BY_NAME = new Map(TABLE.filter((c) => c.syntax === "brace").map((c) => [
  c.name,
  c
]));
var BY_WORD = new Map(TABLE.flatMap((c) => (c.words ?? []).map((w) => [
  w,
  c
])));
var EMPTY = {
  kind: "empty"
};
var UNKNOWN = {
  kind: "invalid",
  detail: "unknownCommand"
};
var EMPTY_MESSAGE = {
  kind: "invalid",
  detail: "emptyMessage"
};
var BARE = new Map(TABLE.filter((c) => c.syntax === "brace" && (c.arg ?? "none") === "none").map((c) => [
  c.name,
  {
    kind: c.name
  }
]));
function parseCommand(line2, phase2 = "chat") {
  const colon = line2.indexOf(":");
  if (colon >= 0) {
    const to = colon === 0 ? "" : line2.slice(0, colon).trim();
    if (to === "") {
      const text = messageText(line2, colon);
      return text === void 0 ? EMPTY_MESSAGE : {
        kind: "public",
        text
      };
    }
    if (isNickShaped(to)) {
      const text = messageText(line2, colon);
      return text === void 0 ? EMPTY_MESSAGE : {
        kind: "private",
        to,
        text
      };
    }
  }
  const word = line2.trim();
  if (word === "") return EMPTY;
  const spec = braceCommand(word) ?? BY_WORD.get(word.toLowerCase());
  if (spec === void 0 || !usableIn(spec, phase2)) return UNKNOWN;
  return brace(spec, word);
}
var LONG_BLANKS2 = " ".repeat(MAX_BLANK_RUN + 1);
function messageText(line2, colon) {
  let text = line2.slice(colon + 1);
  if (text.includes(LONG_BLANKS2)) text = shortenBlanks(text);
  return text.trim().length > 0 ? text : void 0;
}
function braceCommand(word) {
  if (word.length < 3 || word[0] !== "{" || word[word.length - 1] !== "}") return void 0;
  const inner = word.slice(1, -1);
  const space = inner.indexOf(" ");
  return BY_NAME.get((space < 0 ? inner : inner.slice(0, space)).toLowerCase());
}
function brace(spec, word) {
  const inner = word[0] === "{" ? word.slice(1, -1) : word;
  const space = inner.indexOf(" ");
  const arg = space < 0 ? "" : inner.slice(space + 1).trim();
  const kind = spec.name;
  switch (spec.arg ?? "none") {
    case "none":
      return arg === "" ? BARE.get(kind) : UNKNOWN;
    case "word":
      return arg !== "" && !arg.includes(" ") ? {
        kind,
        arg
      } : {
        kind: "invalid",
        detail: "usage",
        command: kind
      };
    case "text":
      return arg !== "" ? {
        kind,
        arg: shortenBlanks(arg)
      } : {
        kind: "invalid",
        detail: "usage",
        command: kind
      };
  }
}
function usableIn(spec, phase2) {
  return spec.phase === "both" || spec.phase === phase2;
}
function isNickShaped(name) {
  if (name.length === 0 || name.length > MAX_NICK_LENGTH) return false;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    const letter = (c | 32) >= 97 && (c | 32) <= 122;
    if (!letter && !(c >= 48 && c <= 57) && c !== 95 && c !== 45) return false;
  }
  return true;
}
function nickKey(nick) {
  return nick.toLowerCase();
}

// client/chat_line.ts
var TYPED_LINE_MAX = MAX_LINE_BYTES - ":".length;
var NOT_SENT_LONG = {
  pt: `m\xE1ximo de ${MAX_LINE_BYTES} bytes; n\xE3o enviada: continua na sua linha de digita\xE7\xE3o, para encurtar`,
  en: `at most ${MAX_LINE_BYTES} bytes; not sent: it is still in your input line, to shorten`
};
var CHAT_LINE_TEXTS = {
  noReply: {
    pt: "Ningu\xE9m lhe mandou mensagem privada ainda: {reply} responde \xE0 \xFAltima",
    en: "Nobody has sent you a private message yet: {reply} answers the last one"
  },
  sentAsPublic: {
    pt: "Enviado para todos. Da pr\xF3xima vez comece com : (:texto), ou apelido:texto para uma pessoa",
    en: "Sent to everyone. Next time start with : (:text), or nick:text for one person"
  },
  /**
   * A line too long, refused here: said as the server's ERRO 08 would be, but truthfully, for
   * it is not dropped: it is back in the input line (the page's field), to shorten.
   */
  tooLong: {
    pt: clientError(ErrorCode.lineTooLong, {
      data: NOT_SENT_LONG.pt
    }, "pt"),
    en: clientError(ErrorCode.lineTooLong, {
      data: NOT_SENT_LONG.en
    }, "en")
  }
};
var ChatLines = class {
  #interactive;
  /** Who sent the last private message, for `{reply}` (C6). */
  #lastFrom;
  /** Whether the user was told that a plain line went to everyone. */
  #toldPublic = false;
  /**
   * Lines with nothing remembered yet.
   *
   * @param interactive Whether a person types (a terminal), or input is piped.
   */
  constructor(interactive) {
    this.#interactive = interactive;
  }
  /** A private message came from `nick`: `{reply}` now answers it. */
  privateFrom(nick) {
    this.#lastFrom = nick;
  }
  /** What the line `typed` becomes. */
  typed(typed) {
    let line2 = typed;
    const reply = /^\s*\{reply(?: (.*))?\}\s*$/i.exec(line2);
    if (reply) {
      if (this.#lastFrom === void 0) return {
        kind: "tell",
        text: CHAT_LINE_TEXTS.noReply
      };
      line2 = `${this.#lastFrom}:${reply[1] ?? ""}`;
    }
    const command = parseCommand(line2);
    if (this.#interactive && command.kind === "invalid" && command.detail === "unknownCommand" && !line2.trimStart().startsWith("{") && line2.trim().toLowerCase() !== "quit") {
      line2 = `:${line2}`;
      if (tooLong(line2)) return TOO_LONG2;
      const told = this.#toldPublic;
      this.#toldPublic = true;
      return {
        kind: "send",
        line: line2,
        command: parseCommand(line2),
        ...told ? {} : {
          tell: CHAT_LINE_TEXTS.sentAsPublic
        }
      };
    }
    if (command.kind === "quit") return {
      kind: "quit"
    };
    if (tooLong(line2)) return TOO_LONG2;
    return {
      kind: "send",
      line: line2,
      command
    };
  }
};
var encoder = new TextEncoder();
var TOO_LONG2 = {
  kind: "tell",
  text: CHAT_LINE_TEXTS.tooLong,
  error: true
};
function tooLong(line2) {
  return encoder.encode(line2).length > MAX_LINE_BYTES;
}

// client/own_lines.ts
var REFUSALS = /* @__PURE__ */ new Set([
  ErrorCode.noSuchUser,
  ErrorCode.lineTooLong,
  ErrorCode.notAscii,
  ErrorCode.muted,
  ErrorCode.roomDown
]);
var NOT_SENT = toAscii(Detail.notSent.pt);
var OWN_WAITING_MAX = 64;
var OwnLines = class {
  #waiting = [];
  /**
   * The user's `{kick}` and `{ban}`, in order: the nickname key, and whether its `OK` came
   * (until its `SAIU`). One refused (`ERRO`) removes nobody: no `SAIU` of its own follows.
   */
  #removing = [];
  #next = 1;
  /**
   * The user sent a line.
   *
   * @param command The line, parsed.
   * @param typed What the user typed for it.
   * @returns The message waiting, for a public or private one; `undefined` for any other line.
   */
  sent(command, typed) {
    if (command.kind === "kick" || command.kind === "ban") {
      this.#removing.push({
        key: nickKey(command.arg),
        done: false
      });
      if (this.#removing.length > OWN_WAITING_MAX) this.#removing.shift();
      return void 0;
    }
    if (command.kind !== "public" && command.kind !== "private") return void 0;
    const own = {
      id: this.#next++,
      typed,
      command
    };
    this.#waiting.push(own);
    if (this.#waiting.length > OWN_WAITING_MAX) this.#waiting.shift();
    return own;
  }
  /**
   * A line of the server: what it means for the user's own lines, if anything.
   *
   * @param line The line.
   */
  answer(line2) {
    switch (line2.kind) {
      case "sent":
        this.#settle(this.#oldestPrivate());
        return void 0;
      case "ok": {
        const kick = this.#removing.find((r) => !r.done);
        if (kick !== void 0) kick.done = true;
        return void 0;
      }
      case "left":
        return line2.removed === true && this.#removed(line2.nick) ? {
          kind: "told"
        } : void 0;
      case "leftMany":
        for (const nick of line2.names) this.#removed(nick);
        return void 0;
      case "error": {
        const kick = this.#removing.findIndex((r) => !r.done);
        if (kick >= 0 && line2.code !== ErrorCode.flood) this.#removing.splice(kick, 1);
        if (!REFUSALS.has(line2.code) || line2.detail.startsWith("{")) return void 0;
        if (line2.code === ErrorCode.roomDown && line2.detail !== NOT_SENT) return void 0;
        const at = line2.code === ErrorCode.noSuchUser ? this.#oldestPrivate() : this.#waiting.length - 1;
        const own = this.#waiting[at];
        if (own === void 0) return void 0;
        this.#waiting.splice(at, 1);
        return {
          kind: "refused",
          own
        };
      }
    }
    return void 0;
  }
  /** Whether `nick`'s removal is one the user's own command made (then it is forgotten). */
  #removed(nick) {
    const key = nickKey(nick);
    const at = this.#removing.findIndex((r) => r.key === key);
    if (at >= 0) this.#removing.splice(at, 1);
    return at >= 0;
  }
  /** Where the oldest private message waiting is, or -1. */
  #oldestPrivate() {
    return this.#waiting.findIndex((w) => w.command.kind === "private");
  }
  /** The private message at `at` went, and every message sent before it. */
  #settle(at) {
    if (at >= 0) this.#waiting.splice(0, at + 1);
  }
};

// client/roster.ts
var CLIENT_COMMANDS = [
  "{reply "
];
var COMMAND_FORMS = [
  ...COMMANDS.filter((c) => c.syntax === "brace").map((c) => (c.arg ?? "none") === "none" ? `{${c.name}}` : `{${c.name} `),
  ...CLIENT_COMMANDS
];
var Roster = class {
  #names = /* @__PURE__ */ new Map();
  /** A user list arriving in several `USUARIOS` lines (X1): the names so far, and how many. */
  #listing;
  /** The names known, in the order they came. */
  get names() {
    return [
      ...this.#names.values()
    ];
  }
  /** Whether a user list's lines are still coming: the last `USUARIOS` line read was not its last. */
  get listing() {
    return this.#listing !== void 0;
  }
  /** Forgets every name: the connection ended, nobody is known to be online. */
  clear() {
    this.#names.clear();
    this.#listing = void 0;
  }
  /**
   * Learns from a line of the server.
   *
   * @returns Whether the line is one that may change who is online (a page draws its list again).
   */
  update(line2) {
    switch (line2.kind) {
      case "welcome":
      case "joined":
        if (line2.nick !== "") this.#names.set(line2.nick.toLowerCase(), line2.nick);
        return true;
      case "left":
        this.#names.delete(line2.nick.toLowerCase());
        return true;
      case "joinedMany":
        for (const nick of line2.names) this.#names.set(nick.toLowerCase(), nick);
        return true;
      case "leftMany":
        for (const nick of line2.names) this.#names.delete(nick.toLowerCase());
        return true;
      case "users":
        this.#listed(line2.text);
        return true;
    }
    return false;
  }
  /**
   * A user list is the room's whole list (S10, X1): once its lines have named
   * everyone it counts, it replaces what was known, so a departure missed
   * (a summary's names beyond the first) is forgotten then. A list cut short
   * (`e mais 10`) only adds its names.
   */
  #listed(text) {
    const list = listedNames(text);
    if (list.total === void 0) {
      for (const nick of list.names) this.#names.set(nick.toLowerCase(), nick);
      return;
    }
    const listing = this.#listing ?? {
      names: /* @__PURE__ */ new Map(),
      total: list.total
    };
    for (const nick of list.names) listing.names.set(nick.toLowerCase(), nick);
    this.#listing = listing;
    if (listing.names.size < listing.total) return;
    this.#names = listing.names;
    this.#listing = void 0;
  }
  /**
   * Completes the word before the cursor: a `{command`, a nickname at the
   * start of the line as `nick:` (a private message), or a nickname in a
   * message's text.
   *
   * @param line The input line up to the cursor.
   * @returns What it may become (several when it is ambiguous), and the word completed.
   *
   * @example
   * ```ts
   * import { Roster } from "./roster.ts";
   * import { parseServerLine } from "../wire/server_lines.ts";
   * import assert from "node:assert/strict";
   * const roster = new Roster();
   * roster.update(parseServerLine("USUARIOS 2 online: Beatriz, bob"));
   * assert.deepEqual(roster.complete("bea"), [["Beatriz:"], "bea"]);
   * assert.deepEqual(roster.complete(":oi b"), [["Beatriz", "bob"], "b"]);
   * assert.deepEqual(roster.complete("{us"), [["{users}"], "{us"]);
   * ```
   */
  complete(line2) {
    const start = Math.max(line2.lastIndexOf(" "), line2.lastIndexOf(":")) + 1;
    const word = line2.slice(start);
    if (start === 0 && word.startsWith("{")) {
      return [
        COMMAND_FORMS.filter((c) => c.startsWith(word.toLowerCase())),
        word
      ];
    }
    if (word === "") return [
      [],
      word
    ];
    const prefix = word.toLowerCase();
    const names = this.names.filter((n) => n.toLowerCase().startsWith(prefix));
    const atStart = start === 0;
    const inBraces = line2.startsWith("{");
    return [
      names.map((n) => atStart && !inBraces ? `${n}:` : n),
      word
    ];
  }
};
function listedNames(text) {
  const at = text.indexOf(": ");
  if (at < 0) return {
    names: []
  };
  const items = text.slice(at + 2).split(", ");
  const names = items.map((item) => item.split(" ")[0]).filter((n) => /^[A-Za-z0-9_-]+$/.test(n));
  const total = Number(/^(\d+) /.exec(text)?.[1]);
  const cut = items.some((item) => item.includes(" "));
  return Number.isInteger(total) && !cut ? {
    names,
    total
  } : {
    names
  };
}

// server/web/pages/chat.ts
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
    privateTo: "Mensagem privada para",
    switchTo: "English",
    notSent: "n\xE3o enviada"
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
    privateTo: "Private message to",
    switchTo: "Portugu\xEAs",
    notSent: "not sent"
  }
};
var $ = (id) => document.getElementById(id);
var log = $("log");
var input = $("line");
var users = $("users");
var lang = (localStorage.getItem("papo-lang") ?? navigator.language).toLowerCase().startsWith("pt") ? "pt" : "en";
var phase = "nick";
var me = "";
var chatLines = new ChatLines(true);
var roster = new Roster();
var ownLines = new OwnLines();
var ownShown = /* @__PURE__ */ new Map();
function hideToken() {
  maskField(input, $("line-mask"), maskText(input.value) !== input.value);
}
input.addEventListener("input", hideToken);
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
  return li;
}
function drawUsers() {
  users.replaceChildren(...roster.names.sort().map((nick) => {
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
var STYLE_CLASS = {
  system: "notice",
  notice: "notice",
  private: "private",
  history: "history",
  error: "error"
};
var askedUsers = 0;
function track(line2) {
  if (!roster.update(line2)) return;
  drawUsers();
  if (line2.kind !== "joinedMany" && line2.kind !== "leftMany") return;
  if (line2.count > line2.names.length && socket.readyState === WebSocket.OPEN) {
    askedUsers++;
    socket.send("{users}");
  }
}
function refused(id, typed, why) {
  const li = ownShown.get(id);
  if (li === void 0) return false;
  ownShown.delete(id);
  li.classList.replace("own", "refused");
  const reason = document.createElement("span");
  reason.className = "why";
  reason.textContent = ` \u2014 ${UI[lang].notSent}: ${why}`;
  li.append(reason);
  log.scrollTop = log.scrollHeight;
  if (input.value === "") input.value = typed;
  hideToken();
  input.focus();
  return true;
}
function receive(text) {
  const line2 = parseServerLine(text);
  track(line2);
  if (line2.kind === "private") chatLines.privateFrom(line2.from);
  switch (line2.kind) {
    case "nick":
      phase = "nick";
      label();
      return void show(say(Message.askNick, lang), "notice");
    case "welcome":
      phase = "chat";
      me = line2.nick;
      label();
      break;
    case "users":
      if (askedUsers > 0) {
        if (!roster.listing) askedUsers--;
        return;
      }
  }
  const answer = ownLines.answer(line2);
  if (answer?.kind === "told") return;
  const shown = showServerLine(line2, lang, me);
  if (shown === void 0) return;
  if (answer?.kind === "refused" && refused(answer.own.id, answer.own.typed, shown.text)) return;
  show(shown.text, STYLE_CLASS[shown.style] ?? "");
}
socket.onopen = () => label();
socket.onmessage = (e) => receive(String(e.data));
socket.onclose = () => {
  status(UI[lang].closed);
  show(UI[lang].closed, "error");
  input.disabled = true;
  roster.clear();
  drawUsers();
};
$("form").onsubmit = (e) => {
  e.preventDefault();
  const typed = input.value;
  if (typed === "" || socket.readyState !== WebSocket.OPEN) return;
  $("hint").textContent = "";
  let line2 = toAscii(typed);
  if (phase !== "chat") {
    socket.send(line2);
    input.value = "";
    hideToken();
    return;
  }
  const chat = chatLines.typed(line2);
  if (chat.kind === "tell") return void show(say(chat.text, lang), "error");
  input.value = "";
  hideToken();
  if (chat.kind === "quit") return socket.send("{quit}");
  line2 = chat.line;
  if (chat.tell !== void 0) $("hint").textContent = say(chat.tell, lang);
  socket.send(line2);
  const own = ownLines.sent(chat.command, typed);
  if (own === void 0) return;
  ownShown.set(own.id, show(ownText(own.command, me, lang), "own"));
  if (ownShown.size > OWN_WAITING_MAX) ownShown.delete(ownShown.keys().next().value);
};
$("lang").onclick = () => {
  lang = lang === "pt" ? "en" : "pt";
  localStorage.setItem("papo-lang", lang);
  label();
  drawUsers();
};
label();
