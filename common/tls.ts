/**
 * The TLS of the client and the grading kit (T2, T3): `--ca`'s certificate
 * read with Deno's read permission for that file only, and the handshake
 * made over a socket already connected (`Deno.startTls`), before any line,
 * so that an untrusted or mismatched certificate is said at once with its
 * reason in one sentence saying what to pass to trust it (the client's
 * ERRO 04).
 *
 * @module
 */

import { UsageError } from "./cli.ts";
import type { Lang } from "../protocol.ts";

/** What `--tls` and `--ca` ask for. */
export interface ClientTls {
  /** `--ca`'s path, when given. */
  readonly caPath?: string;
  /** The certificates (PEM) trusted beside the system's, read from `--ca`. */
  readonly caCerts?: string[];
}

/**
 * Reads `--ca`'s PEM file.
 *
 * @param path The file.
 * @param lang The language of the sentence when it cannot be read.
 * @returns The PEM text.
 * @throws {UsageError} Without `--allow-read` for it, when it is missing, or holds no certificate.
 */
export function readCa(path: string, lang: Lang): string {
  const pt = lang === "pt";
  if (Deno.permissions.querySync({ name: "read", path }).state !== "granted") {
    throw new UsageError(
      pt
        ? `Não dá para ler --ca "${path}" sem --allow-read=${path}: acrescente essa opção do Deno`
        : `Cannot read --ca "${path}" without --allow-read=${path}: add that Deno flag`,
    );
  }
  let text: string;
  try {
    text = Deno.readTextFileSync(path);
  } catch (e) {
    const why = e instanceof Deno.errors.NotFound
      ? (pt ? "arquivo não existe" : "no such file")
      : (e as Error).message;
    throw new UsageError(
      pt ? `Não dá para ler --ca "${path}": ${why}` : `Cannot read --ca "${path}": ${why}`,
    );
  }
  if (!text.includes("-----BEGIN CERTIFICATE-----")) {
    throw new UsageError(
      pt
        ? `Não dá para usar --ca "${path}": não contém certificado PEM (-----BEGIN CERTIFICATE-----)`
        : `Cannot use --ca "${path}": it holds no PEM certificate (-----BEGIN CERTIFICATE-----)`,
    );
  }
  return text;
}

/**
 * The handshake over a connected socket: the server's certificate checked
 * against the system's trusted ones and `--ca`'s, for `hostname`.
 *
 * @param conn The socket, connected.
 * @param hostname The name or address connected to, which the certificate must be for.
 * @param tls What `--tls` and `--ca` ask for.
 * @param signal Gives up (the connection's deadline, or the user leaving).
 * @returns The TLS session.
 * @throws {Error} Whose message is the reason in one sentence (ERRO 04's detail).
 */
export async function startTls(
  conn: Deno.TcpConn,
  hostname: string,
  tls: ClientTls,
  signal: AbortSignal,
): Promise<Deno.TlsConn> {
  const secure = await Deno.startTls(conn, {
    hostname,
    ...(tls.caCerts ? { caCerts: tls.caCerts } : {}),
  });
  const abort = () => secure.close();
  signal.addEventListener("abort", abort, { once: true });
  try {
    await secure.handshake();
    return secure;
  } catch (e) {
    try {
      secure.close();
    } catch {
      // Closed already.
    }
    if (signal.aborted) throw e;
    throw new Error(handshakeReason(e, hostname, tls));
  } finally {
    signal.removeEventListener("abort", abort);
  }
}

/** Why a handshake failed, and what to pass to get through, in one sentence. */
function handshakeReason(e: unknown, hostname: string, tls: ClientTls): string {
  const message = e instanceof Error ? e.message : String(e);
  if (/NotValidForName/i.test(message)) {
    return `TLS: the server's certificate is not made for "${hostname}"; ` +
      "connect with --host set to a name or address it was made for";
  }
  // Out of its dates, a certificate is refused whoever signed it: --ca would not help (field test).
  const after = /certificate expired:.*not valid after (\d+)/i.exec(message);
  if (after !== null) {
    return `TLS: the server's certificate expired on ${dayOf(after[1]!)}; ` +
      "the server needs a new one (or this computer's clock is wrong)";
  }
  const before = /certificate not valid yet:.*not valid before (\d+)/i.exec(message);
  if (before !== null) {
    return `TLS: the server's certificate is valid only from ${dayOf(before[1]!)}; ` +
      "is this computer's clock right?";
  }
  if (/certificate|UnknownIssuer|CaUsedAsEndEntity|Expired|BadSignature/i.test(message)) {
    const reason = message.replace(/^.*invalid peer certificate: /i, "");
    return tls.caPath === undefined
      ? `TLS: the server's certificate is not trusted (${reason}); ` +
        "pass --ca with the PEM certificate that signed it"
      : `TLS: the server's certificate is not trusted (${reason}), ` +
        `nor signed by --ca "${tls.caPath}"; pass --ca with the PEM certificate that signed it`;
  }
  return `TLS: no handshake (${message.replace(/ \(os error \d+\)$/, "")}); ` +
    "is this the server's TLS port (--tls-port, 7778 by default)?";
}

/** A UNIX time in seconds (Deno's TLS errors give them) as a day: `2020-02-01`. */
function dayOf(seconds: string): string {
  return new Date(Number(seconds) * 1000).toISOString().slice(0, 10);
}
