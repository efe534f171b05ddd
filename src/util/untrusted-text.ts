// Text that did not originate in this code (ClusterOperator messages, condition reasons, SSH stderr,
// pod logs, API error messages) is untrusted: a node's kubelet writes its own conditions. The Actions
// runner reads every stdout/stderr line of this process as a possible workflow command:
//   - it splits lines on "\n" and on "\r";
//   - a line whose text, after trimming leading whitespace, starts with "::" is a v2 command;
//   - "##[name ...]" anywhere in a line is a v1 command;
//   - "::stop-commands::<token>" turns commands off until "::<token>::".
// These helpers make such text inert: no control character survives (so no new line can start), no
// line starts with "::" and no "##[" is left. The logger (log.ts) applies them to every line it writes.

/** Characters a line may not carry: C0 and C1 controls (tab excepted), DEL, line/paragraph separators, bidi overrides. */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
// eslint-disable-next-line no-control-regex
const CONTROL_BUT_LF = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\u001b': '\\e' };

function visible(ch: string): string {
  const named = NAMED[ch];
  if (named) return named;
  const code = ch.charCodeAt(0);
  return code <= 0xff
    ? `\\x${code.toString(16).padStart(2, '0')}`
    : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** Control characters as visible escapes (`\r`, `\n`, `\x07`, `\u2028`); newlines kept when asked. */
export function escapeControls(text: string, o: { keepNewlines?: boolean } = {}): string {
  return text.replace(o.keepNewlines ? CONTROL_BUT_LF : CONTROL, visible);
}

/** At most `max` characters, with a note of how many were left out. */
export function capText(text: string, max: number): string {
  if (text.length <= max) return text;
  // Never cut a surrogate pair in half.
  let end = max;
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end--;
  return `${text.slice(0, end)}… (${text.length - end} more characters)`;
}

/** Cluster text for one line of a message: capped, control characters (newlines too) made visible. */
export function oneLine(text: unknown, max = 2000): string {
  return escapeControls(capText(String(text ?? ''), max));
}

/**
 * One line the runner will not read as a command. The caller has already removed line breaks
 * (`escapeControls`). A leading "::" (after the whitespace the runner trims) gets a backslash in front;
 * every "##[" becomes "##\[".
 */
export function inertLine(line: string): string {
  const out = line.replace(/##\[/g, '##\\[');
  return out.trimStart().startsWith('::') ? `\\${out}` : out;
}

/** Splits a message on its own line breaks and makes each line inert (control characters visible). */
export function inertLines(text: string, maxLineChars: number): string[] {
  return text.split('\n').map((l) => inertLine(escapeControls(capText(l, maxLineChars))));
}

/** ` (a; b; c; …)`: the first `shown` items of a list from the cluster, each as `oneLine`; '' for none. */
export function oneLineList(items: readonly unknown[] | undefined, shown = 5): string {
  if (!items?.length) return '';
  const list = items.slice(0, shown).map((i) => oneLine(i, 500));
  return ` (${list.join('; ')}${items.length > shown ? '; …' : ''})`;
}
