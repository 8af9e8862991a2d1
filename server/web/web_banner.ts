/**
 * The banner's lines for the web door (W4): the students' URL for each
 * address of this computer, drawn as a QR code in the terminal (phones scan
 * the projector), and the teacher's lecture URL.
 *
 * @module
 */

import { encodeQr } from "./qr.ts";
import { qrBlocks } from "./qr_blocks.ts";

/** How the QR code's rows begin, told apart from the banner's sentences (printed without time). */
export const QR_INDENT = "  ";

/**
 * The students' URLs: one per address the class can reach the web server at. On `0.0.0.0`,
 * this computer's network addresses, not 127.0.0.1 (on a student's computer it is the
 * student's own, as the TCP banner's list leaves it out too).
 *
 * @param addr Where the web server listens.
 * @param addresses This computer's addresses other than loopback, or `undefined` when unknown.
 * @param secure HTTPS rather than HTTP.
 * @returns The URLs, in the system's order of addresses.
 */
export function studentUrls(
  addr: Deno.NetAddr,
  addresses: readonly string[] | undefined,
  secure = false,
): string[] {
  const scheme = secure ? "https" : "http";
  const hosts = addr.hostname === "0.0.0.0" ? (addresses ?? []) : [addr.hostname];
  return hosts.map((h) => `${scheme}://${h}:${addr.port}/`);
}

/**
 * The banner's web lines, in English and Portuguese: each students' URL, the
 * first drawn as a QR code (on `0.0.0.0` with the addresses unknown, the URL
 * with `ADDRESS` in it and no code; with none, a sentence saying so and no
 * code), and the lecture view's URL, on this computer (127.0.0.1).
 *
 * @param addr Where the web server listens.
 * @param addresses This computer's addresses, or `undefined` when unknown.
 * @param secure HTTPS rather than HTTP.
 * @returns The lines.
 */
export function webBanner(
  addr: Deno.NetAddr,
  addresses: readonly string[] | undefined,
  secure = false,
): string[] {
  const scheme = secure ? "https" : "http";
  const lines: string[] = [];
  if (addr.hostname === "0.0.0.0" && addresses === undefined) {
    // Its addresses unknown (no --allow-sys=networkInterfaces): 127.0.0.1 would be each phone's
    // own, no URL for the class, and a QR code of it would lead nowhere (field test).
    const port = addr.port;
    lines.push(
      `students: open ${scheme}://ADDRESS:${port}/ in a browser, ADDRESS being this computer's` +
        " (as above; with --allow-sys=networkInterfaces it is listed here, with its QR code)" +
        ` / alunos: abram ${scheme}://ENDERECO:${port}/ no navegador, ENDERECO sendo o deste` +
        " computador (como acima; com --allow-sys=networkInterfaces ele aparece aqui, com o QR code)",
    );
  } else if (addr.hostname === "0.0.0.0" && addresses?.length === 0) {
    // No network address: no URL for the class, nor a QR code of this computer's own.
    const local = `${scheme}://127.0.0.1:${addr.port}/`;
    lines.push(
      "students: no network address found: is this computer on the class's network?" +
        ` (this computer alone opens ${local})` +
        " / alunos: nenhum endereço de rede: este computador está na rede da turma?" +
        ` (só este computador abre ${local})`,
    );
  } else {
    const urls = studentUrls(addr, addresses, secure);
    for (const u of urls) {
      lines.push(`students: open ${u} in a browser / alunos: abram ${u} no navegador`);
    }
    if (addr.hostname.startsWith("127.")) {
      lines.push(
        "only this computer can open it; start with --host 0.0.0.0 for the class" +
          " / só este computador abre; use --host 0.0.0.0 para a turma",
      );
    }
    lines.push(...qrBlocks(encodeQr(urls[0]!)).map((row) => `${QR_INDENT}${row}`));
  }
  lines.push(
    `teacher: the lecture view is ${scheme}://127.0.0.1:${addr.port}/lecture on this computer` +
      " (from another, the page asks for the token)" +
      ` / professor: a aula no projetor é ${scheme}://127.0.0.1:${addr.port}/lecture`,
  );
  return lines;
}
