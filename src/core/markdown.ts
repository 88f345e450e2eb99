/** Markdown files the bot writes (request packs, transparency drafts): typed text kept as data. */

/** Markdown text as data: table pipes, HTML and link brackets are escaped, line breaks become spaces. */
export function mdText(text: string): string {
  return text.replace(/\s+/g, ' ').replace(/([\\`*_[\]<>|#!])/g, '\\$1');
}
