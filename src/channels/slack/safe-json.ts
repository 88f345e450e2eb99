/** Parses JSON a user's client sent (button values, modal metadata); anything unreadable is undefined, not a crash. */
export function safeJson(text: string | undefined): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
