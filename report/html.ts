/**
 * What every HTML report of the project shares: escaping what it puts on the page, embedding
 * data in a script element safely, and the charting library, inlined so that a report opens
 * with no network.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/** `s` escaped for element content and quoted attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

export const ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/**
 * `value` as JSON that is safe inside a `<script>` element: `<` (so a `</script>` or `<!--` in
 * a string cannot end or confuse the element), `>` and `&` become \u escapes, which JSON.parse
 * reads back as the same characters. U+2028/9 too, in case the block is ever read as JS.
 */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

let echartsCache: string | undefined;

/**
 * The minified ECharts library, read once. It is inlined as it is, so it must not hold what would
 * end its `<script>` element early; a release that did would break the page silently otherwise.
 */
export function echartsSource(): string {
  if (echartsCache === undefined) {
    const path = createRequire(import.meta.url).resolve('echarts/dist/echarts.min.js');
    const source = readFileSync(path, 'utf8');
    if (/<\/script|<!--/i.test(source)) {
      throw new Error(`${path} contains "</script" or "<!--" and cannot be inlined as it is`);
    }
    echartsCache = source;
  }
  return echartsCache;
}

/**
 * A whole page: `title` (plain text, escaped here), `style` (CSS), then `body` (markup) and
 * after it the charting library and the page's own `script`, which may use it.
 */
export function htmlPage(page: {
  readonly title: string;
  readonly style: string;
  readonly body: readonly string[];
  readonly script: string;
}): string {
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(page.title)}</title>`,
    `<style>${page.style}</style>`,
    '</head>',
    '<body>',
    ...page.body,
    `<script id="echarts-library">${echartsSource()}</script>`,
    `<script id="page-script">${page.script}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
