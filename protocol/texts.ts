/**
 * Every text the server sends, in Portuguese and English (the wire carries
 * the Portuguese, made ASCII): the error codes and their meanings, the
 * errors' details, and the other messages.
 *
 * @module
 */

import { commandHint } from "./commands.ts";
import { MAX_LINE_BYTES, MAX_NICK_LENGTH, type Text } from "./limits.ts";

/** The error codes of the protocol (the requirement table in PROTOCOL.md). */
export const ErrorCode = {
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
  roomDown: 17,
} as const;

/** One of the protocol's error codes. */
export type ErrorCode = typeof ErrorCode[keyof typeof ErrorCode];

/** The meaning of each error code, in both languages. */
export const ERROR_TEXTS: Readonly<Record<ErrorCode, Text>> = {
  1: { pt: "Esse apelido já está em uso", en: "That nickname is already in use" },
  2: {
    pt: "Destino da mensagem privada não existe",
    en: "The private message's recipient does not exist",
  },
  3: { pt: "Cancelamento de conexão forçado", en: "Connection closed by force" },
  4: { pt: "Servidor de destino é inválido", en: "The destination server is invalid" },
  5: { pt: "Endereço IP do servidor é inválido", en: "The server's IP address is invalid" },
  6: { pt: "Apelido inválido", en: "Invalid nickname" },
  7: { pt: "Comando inválido", en: "Invalid command" },
  8: { pt: "Linha longa demais", en: "Line too long" },
  9: { pt: "Texto não ASCII", en: "Text is not ASCII" },
  10: { pt: "Mensagens rápidas demais", en: "Messages too fast" },
  11: { pt: "Servidor cheio", en: "Server full" },
  12: { pt: "Senha de professor incorreta", en: "Wrong teacher's token" },
  13: { pt: "Comando só do professor", en: "Only the teacher may do that" },
  14: { pt: "Você está silenciado", en: "You are muted" },
  15: { pt: "Endereço banido", en: "Address banned" },
  16: { pt: "Sala trancada", en: "Room locked" },
  17: { pt: "Sala indisponível", en: "Room unavailable" },
};

/**
 * Details that follow an error's meaning after `: ` on the wire. A detail that
 * is not one of these is data (a nickname, an address) shown as it is.
 */
export const Detail = {
  nickRules: {
    pt: `use de 1 a ${MAX_NICK_LENGTH} letras, dígitos, _ ou -`,
    en: `use 1 to ${MAX_NICK_LENGTH} letters, digits, _ or -`,
  },
  nickReserved: {
    pt: "nome reservado; digite {quit} para sair",
    en: "reserved name; type {quit} to leave",
  },
  emptyMessage: { pt: "mensagem vazia", en: "empty message" },
  unknownCommand: { pt: `use ${commandHint("pt")}`, en: `use ${commandHint("en")}` },
  lineLimit: {
    pt: `máximo de ${MAX_LINE_BYTES} bytes; linha descartada`,
    en: `at most ${MAX_LINE_BYTES} bytes; line dropped`,
  },
  /** W2: a WebSocket message holding a line break (one message is one line). */
  oneLine: {
    pt: "uma mensagem é uma linha: quebra de linha no meio; mensagem descartada",
    en: "one message is one line: a line break inside; message dropped",
  },
  asciiOnly: {
    pt:
      "não é UTF-8 (terminal em Latin-1 ou CP850?): configure o terminal em UTF-8 ou digite sem acentos; linha descartada",
    en:
      "not UTF-8 (a Latin-1 or CP850 terminal?): set the terminal to UTF-8 or type without accents; line dropped",
  },
  slowDown: {
    pt: "aguarde; suas linhas serão entregues mais devagar",
    en: "wait; your lines will be delivered more slowly",
  },
  shutdown: { pt: "servidor encerrado", en: "server shut down" },
  queueFull: { pt: "cliente não lê o que recebe", en: "client is not reading" },
  nickTimeout: { pt: "tempo para o apelido esgotado", en: "nickname timed out" },
  tooManyFromAddress: {
    pt: "conexões demais deste endereço",
    en: "too many connections from this address",
  },
  tooManyWaitingHere: {
    pt: "conexões demais sem apelido deste endereço",
    en: "too many connections without a nickname from this address",
  },
  tooManyWaiting: {
    pt: "conexões demais esperando apelido",
    en: "too many connections waiting for a nickname",
  },
  roomUnavailable: {
    pt: "sala indisponível; tente de novo",
    en: "room unavailable; try again",
  },
  connectionLost: { pt: "conexão perdida", en: "connection lost" },
  refused: { pt: "conexão recusada", en: "connection refused" },
  timedOut: { pt: "tempo de conexão esgotado", en: "connection timed out" },
  badHost: { pt: "endereço não encontrado", en: "address not found" },
  kicked: { pt: "removido pelo professor", en: "removed by the teacher" },
  /** A kicked address coming back before its minutes end: followed by the minutes left. */
  kickedLeft: {
    pt: "removido pelo professor; minutos para voltar",
    en: "removed by the teacher; minutes before coming back",
  },
  tooManyTries: { pt: "tentativas demais", en: "too many tries" },
  tokenLocked: {
    pt: "senhas erradas demais deste endereço; {admin} recusado por 10 minutos",
    en: "too many wrong tokens from this address; {admin} refused for 10 minutes",
  },
  joinsTooFast: {
    pt: "entradas demais deste endereço; aguarde, seu apelido será registrado em instantes",
    en: "too many joins from this address; wait, your nickname will be registered shortly",
  },
  kickedWait: {
    pt: "removido pelo professor há pouco; tente mais tarde",
    en: "removed by the teacher a moment ago; try later",
  },
  mutedHint: {
    pt: "mensagem não enviada; só mensagens privadas ao professor passam (professor:texto)",
    en: "message not sent; only private messages to the teacher go through (teacher:text)",
  },
  usage: { pt: "uso", en: "usage" },
  notYourself: { pt: "não a si mesmo", en: "not yourself" },
  loginRefused: {
    pt: "entrada recusada por enquanto; digite seu apelido de novo em instantes",
    en: "login refused for now; type your nickname again in a moment",
  },
  notSent: {
    pt: "mensagem não enviada; tente de novo em instantes",
    en: "message not sent; try again in a moment",
  },
  notDone: {
    pt: "comando não feito; tente de novo em instantes",
    en: "command not done; try again in a moment",
  },
  nickLost: {
    pt: "seu apelido foi tomado enquanto a sala estava indisponível",
    en: "your nickname was taken while the room was unavailable",
  },
} as const satisfies Record<string, Text>;

/** The name of one of the {@linkcode Detail} texts. */
export type DetailName = keyof typeof Detail;

/** Other interface texts the server sends, in both languages. */
export const Message = {
  askNick: {
    pt: "Digite seu apelido (ou {quit} para sair)",
    en: "Type your nickname (or {quit} to leave)",
  },
  welcome: { pt: "Bem-vindo ao papo, %s!", en: "Welcome to papo, %s!" },
  online: { pt: "%s online: %s", en: "%s online: %s" },
  more: { pt: "e mais %s; digite {users}", en: "and %s more; type {users}" },
  joined: { pt: "%s entrou no chat", en: "%s joined the chat" },
  left: { pt: "%s saiu do chat", en: "%s left the chat" },
  received: { pt: "Mensagem recebida de: %s", en: "Message received from: %s" },
  sent: { pt: "Mensagem enviada", en: "Message sent" },
  bye: { pt: "Até logo", en: "See you" },
  leftRemoved: { pt: "%s foi removido pelo professor", en: "%s was removed by the teacher" },
  joinedMany: { pt: "%s pessoas entraram (%s online): %s", en: "%s people joined (%s online): %s" },
  leftMany: { pt: "%s pessoas saíram (%s online): %s", en: "%s people left (%s online): %s" },
  andMore: { pt: "%s e mais %s", en: "%s and %s more" },
  teacher: {
    pt: "você agora é o professor; digite {help}",
    en: "you are now the teacher; type {help}",
  },
  teacherSays: { pt: "professor: %s", en: "teacher: %s" },
  mutedBy: { pt: "%s foi silenciado pelo professor", en: "%s was muted by the teacher" },
  unmutedBy: { pt: "%s pode falar de novo", en: "%s may speak again" },
  lockedBy: {
    pt: "a sala foi trancada pelo professor; ninguém mais entra",
    en: "the room was locked by the teacher; nobody else joins",
  },
  unlockedBy: { pt: "a sala foi destrancada", en: "the room was unlocked" },
  alive: { pt: "sim, o servidor está aqui", en: "yes, the server is here" },
  howTo: { pt: `Digite ${commandHint("pt", true)}`, en: `Type ${commandHint("en", true)}` },
  kickDone: { pt: "%s foi removido", en: "%s was removed" },
  banDone: {
    pt: "%s foi removido e o endereço %s banido",
    en: "%s was removed and address %s banned",
  },
  unbanDone: { pt: "liberado: %s", en: "lifted: %s" },
  notBanned: {
    pt:
      "nada a liberar para %s: nenhum ban, kick ou silêncio com esse endereço ou apelido; veja {bans}",
    en: "nothing to lift for %s: no ban, kick or mute with that address or nickname; see {bans}",
  },
  nobodyOnline: { pt: "Ninguém online com esse apelido", en: "Nobody online with that nickname" },
  bans: { pt: "banidos: %s", en: "banned: %s" },
  noBans: { pt: "nenhum endereço banido", en: "no address banned" },
  alreadyMuted: { pt: "%s já estava silenciado", en: "%s was muted already" },
  notMuted: { pt: "%s não estava silenciado; nada mudou", en: "%s was not muted; nothing changed" },
  alreadyLocked: {
    pt: "a sala já estava trancada; nada mudou",
    en: "the room was locked already; nothing changed",
  },
  notLocked: {
    pt: "a sala não estava trancada; nada mudou",
    en: "the room was not locked; nothing changed",
  },
} as const satisfies Record<string, Text>;
