// A job summary as GitHub shows it: GitHub-flavoured Markdown (marked, with `gfm`: tables, autolinks
// for bare URLs and www. addresses, strikethrough) and then GitHub's sanitising, as far as it matters
// for what a summary can carry. GitHub keeps raw HTML only from an allow-list of tags and attributes
// (html-pipeline's SanitizationFilter): any other tag is dropped with its text kept, script and style
// with their content; no style or on* attribute survives; href and src keep only http(s), mailto and
// relative URLs. The result is what a reader sees, so tests can assert on it (first visible line,
// what is collapsed, which links are live) and reviewers can open the pages kept as fixtures.
import { Marked } from 'marked';

const marked = new Marked({ gfm: true, breaks: false, async: false });

/** Tags GitHub keeps (its sanitiser's element allow-list). */
const ALLOWED_TAGS = new Set(
  (
    'h1 h2 h3 h4 h5 h6 h7 h8 br b i strong em a pre code img tt div ins del sup sub p ol ul table thead ' +
    'tbody tfoot blockquote dl dt dd kbd q samp var hr ruby rt rp li tr td th s strike summary details ' +
    'caption figure figcaption abbr bdo cite dfn mark small span time wbr input'
  ).split(' '),
);
/** Tags dropped together with their content. */
const DROPPED_WITH_CONTENT = new Set(['script', 'style', 'textarea', 'title', 'xmp', 'iframe', 'noscript']);
/** Attributes GitHub keeps on any allowed tag (the subset a summary can meet), plus per-tag ones. */
const GLOBAL_ATTRIBUTES = new Set(['align', 'alt', 'colspan', 'rowspan', 'title', 'open', 'id', 'lang']);
const TAG_ATTRIBUTES: Record<string, Set<string>> = {
  a: new Set(['href']),
  img: new Set(['src', 'width', 'height']),
  input: new Set(['type', 'checked', 'disabled']),
  ol: new Set(['start']),
  td: new Set(['align']),
  th: new Set(['align']),
};
const URL_ATTRIBUTES = new Set(['href', 'src']);

function safeUrl(url: string): boolean {
  const decoded = url.replace(/&#(\d+);/g, (_m, n: string) => String.fromCodePoint(Number(n))).trim();
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(decoded)?.[1]?.toLowerCase();
  return scheme === undefined || ['http', 'https', 'mailto'].includes(scheme);
}

/** The attributes of one tag GitHub would keep, re-serialised. */
function keptAttributes(tag: string, raw: string): string {
  const out: string[] = [];
  for (const m of raw.matchAll(/([^\s"'<>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g)) {
    const name = m[1]!.toLowerCase();
    const value = m[2] ?? m[3] ?? m[4];
    if (!GLOBAL_ATTRIBUTES.has(name) && !TAG_ATTRIBUTES[tag]?.has(name)) continue;
    if (URL_ATTRIBUTES.has(name) && (value === undefined || !safeUrl(value))) continue;
    out.push(value === undefined ? ` ${name}` : ` ${name}="${value.replace(/"/g, '&quot;')}"`);
  }
  return out.join('');
}

/** GitHub's sanitising of rendered HTML: allowed tags and attributes only. */
export function sanitizeLikeGitHub(html: string): string {
  let dropUntil: string | undefined;
  return html.replace(
    /<!--[\s\S]*?-->|<(\/?)([a-zA-Z][a-zA-Z0-9-]*)((?:[^>"']|"[^"]*"|'[^']*')*)>|[^<]+|</g,
    (whole, close: string | undefined, name: string | undefined, attrs: string | undefined) => {
      const tag = name?.toLowerCase();
      if (dropUntil) {
        if (close && tag === dropUntil) dropUntil = undefined;
        return '';
      }
      if (whole.startsWith('<!--')) return '';
      if (tag === undefined) return whole === '<' ? '&lt;' : whole;
      if (DROPPED_WITH_CONTENT.has(tag)) {
        if (!close && !/\/\s*$/.test(attrs ?? '')) dropUntil = tag;
        return '';
      }
      if (!ALLOWED_TAGS.has(tag)) return '';
      return close ? `</${tag}>` : `<${tag}${keptAttributes(tag, attrs ?? '')}>`;
    },
  );
}

/** The HTML GitHub shows for a job summary (or a .md file) with this Markdown. */
export function renderLikeGitHub(md: string): string {
  return sanitizeLikeGitHub(marked.parse(md) as string);
}

/** A page a reviewer can open in a browser: the rendered summary with a little of GitHub's look. */
export function githubPage(title: string, md: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${title}</title>
<style>
body { font: 14px/1.5 -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: #1f2328; max-width: 1012px; margin: 24px auto; padding: 0 16px; }
table { border-collapse: collapse; display: block; overflow: auto; margin: 0 0 16px; }
th, td { border: 1px solid #d1d9e0; padding: 6px 13px; }
tr:nth-child(2n) { background: #f6f8fa; }
code, pre { font: 12px ui-monospace, SFMono-Regular, Menlo, monospace; background: #eff1f3; border-radius: 6px; }
code { padding: .2em .4em; } pre { padding: 16px; overflow: auto; } pre code { padding: 0; background: none; }
details { margin: 0 0 16px; } summary { cursor: pointer; }
h2 { border-bottom: 1px solid #d1d9e0; padding-bottom: .3em; }
</style>
</head>
<body>
<!-- Rendered by __tests__/helpers/render-github.ts (GitHub-flavoured Markdown, GitHub's sanitising) -->
${renderLikeGitHub(md)}</body>
</html>
`;
}

/** The text a reader sees, line by line (tags removed, entities decoded, empty lines dropped). */
export function visibleLines(html: string): string[] {
  const text = html
    .replace(/<(br|\/p|\/h\d|\/li|\/tr|\/summary|\/pre|\/table)\b[^>]*>/gi, '$&\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&#(\d+);/g, (_m, n: string) => String.fromCodePoint(Number(n)))
    .replace(/&#x([0-9a-f]+);/gi, (_m, n: string) => String.fromCodePoint(parseInt(n, 16)))
    .replace(
      /&(quot|amp|lt|gt|#39);/g,
      (m) => ({ '&quot;': '"', '&amp;': '&', '&lt;': '<', '&gt;': '>' })[m] ?? "'",
    );
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
}

/** How many <details> elements enclose position `at` (0: shown without a click). */
export function detailsDepth(html: string, at: number): number {
  let depth = 0;
  for (const m of html.slice(0, at).matchAll(/<(\/?)details\b[^>]*>/gi)) depth += m[1] ? -1 : 1;
  return depth;
}

/** Every live link (href) and image (src) in the rendered page. */
export function linksAndImages(html: string): { links: string[]; images: string[] } {
  return {
    links: [...html.matchAll(/<a\b[^>]*\bhref="([^"]*)"/gi)].map((m) => m[1]!),
    images: [...html.matchAll(/<img\b[^>]*>/gi)].map((m) => m[0]),
  };
}
