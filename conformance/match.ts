/**
 * Tolerant matching for the seed level: what the assignment fixes is looked
 * for in whatever wording surrounds it, without regard to case, accents or
 * line endings.
 *
 * @module
 */

const DIACRITICS = /[\u0300-\u036f]/g;

/**
 * Folds text for tolerant comparison: accents removed (NFD), lower case,
 * every run of white space (line endings included) one space.
 *
 * @param text Text received or looked for.
 * @returns The folded text.
 *
 * @example
 * ```ts
 * import { fold } from "./match.ts";
 * import { strictEqual } from "node:assert/strict";
 * strictEqual(fold("Mensagem  Recebida\r\nde: Zé"), "mensagem recebida de: ze");
 * ```
 */
export function fold(text: string): string {
  return text.normalize("NFD").replace(DIACRITICS, "").toLowerCase().replace(/\s+/g, " ");
}

/**
 * Whether `text` contains `phrase`, folded (see {@linkcode fold}).
 *
 * @param text Text received.
 * @param phrase What to look for.
 * @returns `true` when it is there.
 *
 * @example
 * ```ts
 * import { hasPhrase } from "./match.ts";
 * import { strictEqual } from "node:assert/strict";
 * strictEqual(hasPhrase("OK MENSAGEM ENVIADA\r\n", "Mensagem enviada"), true);
 * ```
 */
export function hasPhrase(text: string, phrase: string): boolean {
  return fold(text).includes(fold(phrase));
}

/**
 * Whether `text` has `phrase` followed, later on, by `word`: "Mensagem
 * recebida de" and then the sender's nickname, on one line or the next.
 *
 * @param text Text received.
 * @param phrase What comes first.
 * @param word What comes after it.
 * @returns `true` when both are there in that order.
 *
 * @example
 * ```ts
 * import { hasInOrder } from "./match.ts";
 * import { strictEqual } from "node:assert/strict";
 * strictEqual(hasInOrder("Mensagem recebida de: ana: oi", "mensagem recebida de", "ana"), true);
 * strictEqual(hasInOrder("ana: Mensagem recebida de", "mensagem recebida de", "ana"), false);
 * ```
 */
export function hasInOrder(text: string, phrase: string, word: string): boolean {
  const folded = fold(text);
  const at = folded.indexOf(fold(phrase));
  return at >= 0 && folded.indexOf(fold(word), at) >= 0;
}

/**
 * Whether `text` carries an error code such as `01`: the two digits not
 * inside a longer number nor a time of day (`12:01`), or the code written
 * without its zero right after "erro" or "error", in any case (`Erro 1 -`).
 *
 * @param text Text received.
 * @param code The two-digit code.
 * @returns `true` when the code is there.
 *
 * @example
 * ```ts
 * import { hasCode } from "./match.ts";
 * import { strictEqual } from "node:assert/strict";
 * strictEqual(hasCode("ERRO 01: Esse apelido ja esta em uso", "01"), true);
 * strictEqual(hasCode("Erro01 - apelido em uso", "01"), true);
 * strictEqual(hasCode("Erro 1 - esse apelido ja esta sendo usado", "01"), true);
 * strictEqual(hasCode("ERROR #2: no such user", "02"), true);
 * strictEqual(hasCode("Erro 12 - outro", "01"), false);
 * strictEqual(hasCode("[12:01] ana: oi", "01"), false);
 * strictEqual(hasCode("porta 7010", "01"), false);
 * ```
 */
export function hasCode(text: string, code: string): boolean {
  if (new RegExp(`(?<![0-9])(?<![0-9]:)${code}(?![0-9])`).test(text)) return true;
  const short = code.replace(/^0+(?=[0-9])/, "");
  return short !== code && new RegExp(`erro(?:r)?\\s*[-:#]?\\s*${short}(?![0-9])`, "i").test(text);
}
