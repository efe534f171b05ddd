// The escaping every value from the cluster or the user goes through before it reaches the summary:
// capped in length, HTML-escaped (the summary renders HTML) and with no Markdown structure left that
// could make a live link or image. Security-tested in __tests__/security/summary.test.ts.
import { capText, escapeControls } from '../util/untrusted-text.ts';

export const SUMMARY_LIMIT_BYTES = 1024 * 1024;
/** Longest text shown for one value (a ClusterOperator message can be megabytes long). */
export const MAX_VALUE_CHARS = 2000;

/**
 * Text for a Markdown table cell or paragraph. Besides HTML: `[` `]` (links, images, reference
 * definitions), backticks, backslashes and `#` become character references, which CommonMark never
 * reads as structure; GFM's autolinks are broken where cmark-gfm looks for them in the raw text
 * (`://` after a scheme, `www.`) and, for e-mail addresses, with a zero-width space before `@` (that
 * check runs on the decoded text).
 */
const CHARACTER_REFERENCES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '|': '&#124;',
  '[': '&#91;',
  ']': '&#93;',
  '`': '&#96;',
  '\\': '&#92;',
  '#': '&#35;',
  '@': '&#8203;@',
  '\n': '<br>',
};

export function escapeHtml(text: unknown, max = MAX_VALUE_CHARS): string {
  const s = escapeControls(capText(String(text ?? ''), max).replace(/\r\n?/g, '\n'), { keepNewlines: true });
  // One pass, so no replacement is escaped again.
  return s.replace(/:(?=\/\/)|(?<=www)\.|[&<>"'|[\]`\\#@\n]/gi, (m) =>
    m === ':' ? '&#58;' : m === '.' ? '&#46;' : CHARACTER_REFERENCES[m]!,
  );
}
