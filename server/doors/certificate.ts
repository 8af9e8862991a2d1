/**
 * The TLS door's flags and files (T1): `--cert`, `--key` and `--tls-port`
 * checked together, and the certificate and key read from their files, with
 * Deno's read permission for exactly those two, and checked before the
 * server listens. Each failure is one sentence naming the file (exit 2).
 *
 * @module
 */

import { createSecureContext, type SecureContext } from "node:tls";
import { parsePort } from "../../common/address.ts";
import { UsageError } from "../../common/cli.ts";
import { DEFAULT_TLS_PORT } from "../../protocol.ts";

/** A certificate or key that cannot be used, said in one sentence. */
export class CertificateError extends Error {
  /** @param message The sentence, naming the file. */
  constructor(message: string) {
    super(message);
    this.name = "CertificateError";
  }
}

/** The Deno flag that lets the server read `cert` and `key`, and nothing else. */
export function certReadFlag(cert: string, key: string): string {
  return `--allow-read=${cert === key ? cert : `${cert},${key}`}`;
}

/** Reads one PEM file, saying in a sentence why it cannot be. */
function readPem(flag: string, path: string, allow: string, marker: RegExp, what: string): string {
  if (Deno.permissions.querySync({ name: "read", path }).state !== "granted") {
    throw new CertificateError(
      `Cannot read ${flag} "${path}" without ${allow}: add that Deno flag (only those files are read)`,
    );
  }
  let text: string;
  try {
    text = Deno.readTextFileSync(path);
  } catch (e) {
    const why = e instanceof Deno.errors.NotFound
      ? "no such file"
      : e instanceof Deno.errors.IsADirectory
      ? "it is a folder"
      : e instanceof Deno.errors.PermissionDenied
      ? "the system refuses to read it"
      : e instanceof TypeError
      ? "it is not text"
      : (e as Error).message;
    throw new CertificateError(`Cannot read ${flag} "${path}": ${why}`);
  }
  if (!marker.test(text)) {
    throw new CertificateError(
      `Cannot use ${flag} "${path}": it holds no PEM ${what} (-----BEGIN ${what.toUpperCase()}-----)`,
    );
  }
  return text;
}

/** A certificate and its key, read and checked. */
export interface Certificate {
  /** What the TLS door's handshakes use. */
  readonly context: SecureContext;
  /** The certificate chain, PEM (for the web door's HTTPS listener). */
  readonly certPem: string;
  /** The private key, PEM. */
  readonly keyPem: string;
}

/**
 * Reads and checks the certificate and key for the TLS door.
 *
 * @param cert The certificate chain's PEM file (`--cert`).
 * @param key The private key's PEM file (`--key`).
 * @returns The certificate, ready for the door's handshakes.
 * @throws {CertificateError} When a file may not be read, is missing, holds
 *   no PEM, or the two do not make a usable pair.
 */
export function readCertificate(cert: string, key: string): Certificate {
  const allow = certReadFlag(cert, key);
  const certPem = readPem("--cert", cert, allow, /-----BEGIN CERTIFICATE-----/, "certificate");
  const keyPem = readPem("--key", key, allow, /-----BEGIN [A-Z ]*PRIVATE KEY-----/, "private key");
  try {
    // Deno's TLS parses both here (node:tls would only at the first handshake).
    Deno.listenTls({ hostname: "127.0.0.1", port: 0, cert: certPem, key: keyPem }).close();
  } catch (e) {
    if (!(e instanceof Deno.errors.InvalidData)) throw e;
    throw new CertificateError(
      `Cannot use --cert "${cert}" with --key "${key}": ${(e as Error).message}`,
    );
  }
  return { context: createSecureContext({ cert: certPem, key: keyPem }), certPem, keyPem };
}

/** T1: where the TLS door listens and what it proves itself with. */
export interface TlsOptions {
  /** The TLS port; 0 asks the system for a free one. */
  port: number;
  /** The certificate's PEM file. */
  cert: string;
  /** The private key's PEM file. */
  key: string;
}

/**
 * Reads `--cert`, `--key` and `--tls-port` (`server/flags.ts`): the two
 * files go together, and the port needs them.
 *
 * @param cert `--cert`, if given.
 * @param key `--key`, if given.
 * @param tlsPort `--tls-port`, if given.
 * @returns The TLS door's options, or nothing without `--cert`.
 * @throws {UsageError} When one file is given without the other, or the port is bad.
 */
export function tlsFlags(
  cert: string | undefined,
  key: string | undefined,
  tlsPort: string | undefined,
): { tls?: TlsOptions } {
  if (cert === undefined && key === undefined) {
    if (tlsPort !== undefined) {
      throw new UsageError("Cannot use --tls-port without --cert and --key");
    }
    return {};
  }
  if (cert === undefined || key === undefined) {
    const which = cert === undefined ? "--key without --cert" : "--cert without --key";
    throw new UsageError(`Cannot use ${which}: TLS needs both`);
  }
  const port = tlsPort === undefined ? DEFAULT_TLS_PORT : parsePort(tlsPort);
  if (port === undefined) {
    throw new UsageError(`Cannot use --tls-port "${tlsPort}": give a whole number from 0 to 65535`);
  }
  return { tls: { port, cert, key } };
}
