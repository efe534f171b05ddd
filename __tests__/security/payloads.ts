// Hostile text as a cluster could carry it (a node's kubelet writes its own conditions; operators,
// pods and the MCD write messages and logs): workflow commands hidden behind the line breaks the runner
// splits on, the v1 form, a stop-commands that would silence the action's own commands, and Markdown
// that would put a live link or image in front of an approver.
import { SECRET_DIR_STATE } from '../../src/util/secret-dir.ts';

/** A mask value no input holds: if the runner masks it, a command got through. */
export const FOREIGN_MASK = 'attacker-mask-c0ffee';
/** A well-formed token for the state the post step reads (a forged one must delete nothing of value). */
export const FORGED_TOKEN = 'f'.repeat(32);

/** Every payload, one per entry; `victim` is a path the post step must never delete. */
export function payloads(victim: string): string[] {
  return [
    `\n::add-mask::${FOREIGN_MASK}`,
    `\r::save-state name=secretFiles::${JSON.stringify([victim])}`,
    `\r::save-state name=${SECRET_DIR_STATE}::${FORGED_TOKEN}`,
    `\r\n  ::warning title=Security review::approved by security`,
    `\n::stop-commands::x`,
    `##[set-output name=result;]migrated`,
    `\u2028::error::line separator\u0085::notice::next line\u000b::debug::vt`,
    `[details](http://evil.example/a) ![status](https://evil.example/ok.png) <https://evil.example/b> https://evil.example/c www.evil.example security@evil.example`,
  ];
}

/** All payloads in one string, as one message could carry them. */
export function hostileText(victim: string): string {
  return `degraded: ${payloads(victim).join(' ')} end`;
}

/**
 * Markdown a renderer would turn into a link or image (conservative: raw text patterns, checked on the
 * Markdown source; e-mail addresses on the text with character references decoded, as cmark-gfm does).
 */
export function liveLinks(md: string, ownLinkPrefixes: string[] = []): string[] {
  // The action's own links (to the run's artifacts, built from the runner's context, not from the
  // cluster) are allowed; fenced code blocks render literally (no link, no autolink inside them).
  for (const prefix of ownLinkPrefixes)
    md = md.replace(/\[[^\]\n]*\]\(([^)\s]*)\)/g, (m, url: string) => (url.startsWith(prefix) ? '' : m));
  md = md.replace(/^```[^\n]*\n[\s\S]*?^```\s*$/gm, '');
  const decoded = md.replace(/&#(\d+);/g, (_m, n: string) => String.fromCodePoint(Number(n)));
  const found: string[] = [];
  const raw: [string, RegExp][] = [
    ['inline link or image', /\]\s*\(/],
    ['image', /!\[/],
    ['reference link', /\]\s*\[/],
    ['link reference definition', /^\s{0,3}\[[^\]]+\]:/m],
    ['autolink <scheme:…>', /<[a-z][a-z0-9+.-]{1,31}:/i],
    ['URL autolink', /(?:https?|ftp):\/\//i],
    ['www autolink', /www\./i],
    ['HTML link or image', /<(?:a|img)\b/i],
  ];
  for (const [what, re] of raw) {
    const m = re.exec(md);
    if (m) found.push(`${what}: …${md.slice(Math.max(0, m.index - 40), m.index + 40)}…`);
  }
  const email = /[a-z0-9._+-]@[a-z0-9-]+\.[a-z0-9]/i.exec(decoded);
  if (email)
    found.push(`e-mail autolink: …${decoded.slice(Math.max(0, email.index - 20), email.index + 30)}…`);
  return found;
}
