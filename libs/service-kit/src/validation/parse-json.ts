/** JSON.parse that answers undefined for text that is not JSON: the caller's schema check then refuses it. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
