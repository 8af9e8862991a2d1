/**
 * L8: how a page draws a field holding the teacher's token (the chat page's line while it holds
 * `{admin TOKEN}`, the lecture view's token field), shared by both: not one bullet per character
 * nor a caret whose place would count them (a projector would show the token's length), but the
 * field's text drawn transparent (`mask.css`, class `secret`) and one fixed mask beside it saying
 * something was typed.
 *
 * @module
 */

/** The mask drawn beside a field holding a token, whatever the token's length. */
export const TOKEN_MASK = "••••••••";

/**
 * Draws `field` as holding a token (`secret`) or not: a password field whose text, bullets and
 * caret are not drawn, with {@link TOKEN_MASK} in `mask`; or as it was, `mask` empty.
 */
export function maskField(
  field: HTMLInputElement,
  mask: HTMLElement,
  secret: boolean,
  plain: "text" | "password" = "text",
): void {
  const type = secret ? "password" : plain;
  if (field.type !== type) field.type = type;
  field.classList.toggle("secret", secret);
  mask.textContent = secret ? TOKEN_MASK : "";
}
