/**
 * A small writer for the answers' XML: elements with text, always escaped, in the order
 * the caller gives (the schema's sequences fix it). Absent values (null, undefined) write
 * no element, as the schemas' minOccurs="0" allow.
 */
export type XmlNode = string | null | undefined | false;

const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};

/** Text or attribute content; characters XML 1.0 cannot carry at all are dropped. */
export function escapeXml(text: string): string {
  return text
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

/** `<name>text</name>`, or nothing for a missing value. */
export function text(name: string, value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return '';
  return `<${name}>${escapeXml(String(value))}</${name}>`;
}

/** `<name>children</name>`. */
export function element(name: string, ...children: XmlNode[]): string {
  return `<${name}>${children.filter((c): c is string => typeof c === 'string').join('')}</${name}>`;
}
