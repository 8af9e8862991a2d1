/**
 * The server's command line: its one flag table ({@linkcode SERVER_FLAGS}),
 * from which parsing, `--help` and the docs' table come, and the options read
 * from it, with the address and port asked for in a terminal when not given
 * (S8, the prompts are `prompts.ts`).
 *
 * @module
 */

import { flagsHelp } from "../common/flag_help.ts";
import {
  type Flag,
  type FlagValues,
  HELP_FLAGS,
  intFlag,
  intOf,
  type NumberFlag,
  parseFlags,
  UsageError,
} from "../common/cli.ts";
import { DEFAULT_HOST, DEFAULT_PORT, DEFAULT_TLS_PORT, VERSION } from "../protocol.ts";
import { tlsFlags, type TlsOptions } from "./doors/certificate.ts";
import { DEFAULTS, type ServerOptions } from "./options.ts";
import { webFlags } from "./web/web_flags.ts";
import { givenToken } from "./admin_token.ts";
import { listenAddress } from "./prompts.ts";

/** Every flag of the server, in the order `--help` and the docs list them. */
export const SERVER_FLAGS = {
  host: {
    type: "string",
    value: "ADDR",
    help: "IPv4 address to listen on; 0.0.0.0 for every network",
    doc: "IPv4 address to listen on; `0.0.0.0` for every network",
    default: DEFAULT_HOST,
  },
  port: {
    type: "string",
    value: "N",
    help: "TCP port; 0 picks a free one",
    doc: "TCP port; `0` picks a free one",
    default: DEFAULT_PORT,
  },
  "tls-port": {
    type: "string",
    value: "N",
    help: "also listen for TLS clients on port N, with --cert and --key; 0 picks a free one",
    doc:
      "also listen for TLS clients on port N, with `--cert` and `--key`; `0` picks a free one (T1)",
    defaultText: `\`${DEFAULT_TLS_PORT}\` when \`--cert\` is given`,
  },
  cert: {
    type: "string",
    value: "PEM",
    help: "the TLS certificate's PEM file (needs --allow-read=CERT,KEY)",
    doc: "the TLS certificate's PEM file; needs `--allow-read=CERT,KEY` (T1)",
  },
  key: {
    type: "string",
    value: "PEM",
    help: "the TLS private key's PEM file, unencrypted",
    doc: "the TLS private key's PEM file, unencrypted (T1)",
  },
  "max-clients": {
    type: "string",
    value: "N",
    help: "most clients at once; ERRO 11 beyond",
    doc: "most clients at once; `ERRO 11` beyond (L5)",
    default: DEFAULTS.maxClients,
    min: 1,
  },
  "max-per-ip": {
    type: "string",
    value: "N",
    help: "most connections from one IP address; 0 = no cap",
    doc: "most connections from one IP address; `0` = no cap (L5)",
    default: DEFAULTS.maxPerIp,
  },
  "max-pending-per-ip": {
    type: "string",
    value: "N",
    help: "most connections without a nickname yet from one IP address; ERRO 11 beyond; 0 = no cap",
    doc: "most connections without a nickname yet from one IP address; `ERRO 11` beyond; " +
      "`0` = no cap (L5, issue 15)",
    default: DEFAULTS.maxPendingPerIp,
  },
  "max-pending": {
    type: "string",
    value: "N",
    help: "most connections without a nickname yet in all; ERRO 11 beyond; 0 = no cap",
    doc: "most connections without a nickname yet in all; `ERRO 11` beyond; `0` = no cap (L5)",
    defaultText: "half of `--max-clients`, at least `64`",
  },
  "nick-timeout": {
    type: "string",
    value: "S",
    help: "seconds a new client has to choose a nickname; ERRO 03 after",
    doc: "seconds a new client has to choose a nickname; `ERRO 03` after (L6)",
    default: DEFAULTS.nickTimeoutMs / 1000,
    min: 1,
  },
  "max-queue": {
    type: "string",
    value: "BYTES",
    help: "most bytes waiting for a client that does not read; ERRO 03 beyond",
    doc: "most bytes waiting for a client that does not read; `ERRO 03` beyond (L7)",
    default: DEFAULTS.maxQueueBytes,
    min: 4096,
  },
  "max-total-queue": {
    type: "string",
    value: "BYTES",
    help: "most bytes waiting over all clients before stalled ones are dropped",
    doc: "most bytes waiting over all clients before stalled ones are dropped (L7)",
    default: DEFAULTS.maxTotalQueueBytes,
    min: 65536,
  },
  "flood-burst": {
    type: "string",
    value: "N",
    help: "lines a client may send at once; 0 turns flood control off",
    doc: "lines a client may send at once; `0` turns flood control off (L4)",
    default: DEFAULTS.floodBurst,
  },
  "flood-rate": {
    type: "string",
    value: "N",
    help: "lines per second a client may keep sending",
    doc: "lines per second a client may keep sending (L4)",
    default: DEFAULTS.floodRate,
    min: 1,
  },
  "log-messages": {
    type: "boolean",
    help: "also log the text of public and private messages",
  },
  history: {
    type: "string",
    value: "N",
    help: "public messages a newcomer is shown; 0 = none",
    doc: "public messages a newcomer is shown (`HISTORICO`); `0` = none (C4)",
    default: DEFAULTS.history,
  },
  crowd: {
    type: "string",
    value: "N",
    help: "above N online, join and leave notices are summarized once a second; 0 = never",
    doc: "above N users online, join and leave notices are summarized, at most one `ENTROU` " +
      "and one `SAIU` line a second to each user (P1); `0` = never",
    default: DEFAULTS.crowd,
  },
  "ip-flood-burst": {
    type: "string",
    value: "N",
    help: "lines one address's connections may send at once, together; 0 turns it off",
    doc: "lines one address's connections may send at once, together (L10); `0` turns it " +
      "off. Behind a NAT the class shares it: see SECURITY.md",
    default: DEFAULTS.ipFloodBurst,
  },
  "ip-flood-rate": {
    type: "string",
    value: "N",
    help: "lines per second one address's connections may keep sending, together",
    doc: "lines per second one address's connections may keep sending, together (L10)",
    default: DEFAULTS.ipFloodRate,
    min: 1,
  },
  "join-burst": {
    type: "string",
    value: "N",
    help: "nicknames one address may register at once (a class behind one NAT)",
    doc: "nicknames one address may register at once, a class behind one NAT (L10)",
    default: DEFAULTS.joinBurst,
    min: 1,
  },
  "join-rate": {
    type: "string",
    value: "N",
    help: "nicknames per minute one address may keep registering; more wait their turn",
    doc: "nicknames per minute one address may keep registering; more wait their turn (L10)",
    default: DEFAULTS.joinRate,
    min: 1,
  },
  "kick-minutes": {
    type: "string",
    value: "N",
    help: "minutes a kicked user's address may not join again ({unban} lifts it)",
    doc: "minutes a kicked user's address may not join again; `{unban}` lifts it (C3)",
    default: DEFAULTS.kickMinutes,
  },
  "admin-token": {
    type: "string",
    value: "TOKEN",
    help: "the teacher's token for {admin TOKEN}",
    doc: "the teacher's token for `{admin TOKEN}` (C2)",
    defaultText: "random, printed at start-up (not while tracing)",
  },
  "admin-token-file": {
    type: "string",
    value: "PATH",
    help: "read the teacher's token from the first line of a file, off the command line " +
      "(needs --allow-read=PATH)",
    doc: "read the teacher's token from the first line of a file, so it is on neither the " +
      "command line nor the projector; needs `--allow-read=PATH` (L8)",
  },
  trace: {
    type: "boolean",
    help: "print every socket event (accept, recv, send, close) with its bytes; " +
      "private text is shown too",
    doc: "print every socket event with its bytes, private text included (C1)",
  },
  transcript: {
    type: "string",
    value: "PATH",
    help: "append public messages, joins, leaves and teacher's actions to PATH " +
      "(needs --allow-write=PATH)",
    doc: "append public messages, joins, leaves, teacher's actions to PATH (C5); " +
      "needs `--allow-write=PATH`",
  },
  redis: {
    type: "string",
    value: "URL",
    help: "share one room with other nodes through Redis, redis://HOST:PORT[/DB] " +
      "(deno task server:redis gives it the permissions it needs)",
    doc: "share one room with other nodes through Redis, `redis://HOST:PORT[/DB]`",
  },
  "node-name": {
    type: "string",
    value: "NAME",
    help: "this node's name in logs and in Redis",
    doc: "this node's name in logs and in Redis (with `--redis`)",
    defaultText: "`HOST:PORT`",
  },
  web: {
    type: "string",
    value: "PORT",
    help: "also serve the chat page, its WebSocket and the lecture view over HTTP on PORT " +
      "(same address; HTTPS with --cert); 0 picks a free one",
    doc: "also serve the chat page (`/`), its WebSocket (`/ws`) and the lecture view " +
      "(`/lecture`) over HTTP on PORT, same address (W1-W5), HTTPS and WSS with `--cert` (T1); " +
      "`0` picks a free one",
  },
  "web-origin": {
    type: "string",
    value: "ORIGINS",
    help: "more origins allowed on the WebSocket besides the page's own (a proxy's), " +
      "comma-separated, e.g. https://chat.school.example; their names may open the page " +
      "(otherwise only an IP address or localhost)",
    doc: "more origins allowed on the WebSocket besides the page's own (a proxy's), " +
      "comma-separated, e.g. `https://chat.school.example`; their names may open the page " +
      "(otherwise only an IP address or `localhost`: `421`, W5)",
  },
  ...HELP_FLAGS,
} as const satisfies Readonly<Record<string, Flag>>;

/** `--help`: the usage, every flag of {@linkcode SERVER_FLAGS}, and what is asked in a terminal. */
export const SERVER_HELP =
  `papo-server ${VERSION}: a text chat over TCP (nc HOST PORT works as a client)

Usage: deno run --allow-net server.ts [options]

Options:
${flagsHelp(SERVER_FLAGS)}

Without --host or --port, in a terminal, it asks for them (blank = default).
`;

/** What the command line asks for: the chat server's options, where to listen, and what beside it. */
export interface StartOptions extends ServerOptions {
  /** The IPv4 address to listen on. */
  hostname: string;
  /** The TCP port; 0 asks the system for a free one. */
  port: number;
  /** C1: print the socket trace. */
  trace: boolean;
  /** C5: the transcript's path. */
  transcriptPath: string | undefined;
  /** N1: `redis://HOST:PORT[/DB]`, when the room is shared. */
  redis?: string;
  /** This node's name. */
  nodeName?: string;
  /** W1: the web door's HTTP port, when `--web` is given. */
  web?: number;
  /** W5: origins allowed on `/ws` besides the page's own. */
  webOrigins?: string[];
  /** T1: the TLS listener's port and its certificate's files, when `--cert` is given. */
  tls?: TlsOptions;
}

/**
 * Reads the command line (and, in a terminal, prompts) into options.
 *
 * @param args The arguments, usually `Deno.args`.
 * @returns The options, or what to print instead of starting.
 * @throws {UsageError} When a flag is unknown or its value is bad.
 * @throws {AddressError} (from `prompts.ts`) When `--host` is not an IPv4 address.
 * @throws {Cancelled} When the user leaves a prompt.
 */
export function readServerOptions(args: string[]): StartOptions | "help" | "version" {
  const f = parseFlags(args, SERVER_FLAGS);
  if (f.help) return "help";
  if (f.version) return "version";
  const { hostname, port } = listenAddress(f.host, f.port);
  const int = (name: NumberFlag<typeof SERVER_FLAGS>) => intOf(SERVER_FLAGS, f, name);
  return {
    hostname,
    port,
    maxClients: int("max-clients"),
    maxPerIp: int("max-per-ip"),
    maxPendingPerIp: int("max-pending-per-ip"),
    ...(f["max-pending"] === undefined
      ? {}
      : { maxPending: intFlag(f["max-pending"], "max-pending", 0) }),
    nickTimeoutMs: int("nick-timeout") * 1000,
    maxQueueBytes: int("max-queue"),
    maxTotalQueueBytes: int("max-total-queue"),
    floodBurst: int("flood-burst"),
    floodRate: int("flood-rate"),
    logMessages: f["log-messages"] === true,
    history: int("history"),
    crowd: int("crowd"),
    ipFloodBurst: int("ip-flood-burst"),
    ipFloodRate: int("ip-flood-rate"),
    joinBurst: int("join-burst"),
    joinRate: int("join-rate"),
    kickMinutes: int("kick-minutes"),
    ...givenToken(f["admin-token"], f["admin-token-file"]),
    trace: f.trace === true,
    transcriptPath: f.transcript,
    ...redisFlags(f, hostname, port),
    ...webFlags(f.web, f["web-origin"]),
    ...tlsFlags(f.cert, f.key, f["tls-port"]),
  };
}

/** A node's name: what Redis keys and logs may show. */
const NODE_NAME = /^[A-Za-z0-9._:-]{1,64}$/;

/** Reads `--redis` and `--node-name`, checked. */
function redisFlags(
  f: FlagValues<typeof SERVER_FLAGS>,
  host: string,
  port: number,
): { redis?: string; nodeName?: string } {
  const url = f.redis;
  if (url === undefined) {
    if (f["node-name"] !== undefined) {
      throw new UsageError("Cannot use --node-name without --redis");
    }
    return {};
  }
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  if (parsed?.protocol !== "redis:" || parsed.hostname === "") {
    throw new UsageError(`Cannot use Redis URL "${url}": give redis://HOST:PORT[/DB]`);
  }
  const nodeName = f["node-name"] ?? `${host}:${port}`;
  if (!NODE_NAME.test(nodeName)) {
    throw new UsageError(
      `Cannot use node name "${nodeName}": use 1 to 64 letters, digits, ., _, : or -`,
    );
  }
  return { redis: url, nodeName };
}
