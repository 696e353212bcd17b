/**
 * The `--coverage` table: for each sub-action of Next, how many successors it produced and how
 * many distinct states it found first; then the same added up per action name. A zero in the
 * first column is an action the run never exercised.
 */
import { locationText } from './trace-text.ts';
import type { ActionStats } from './stats.ts';

function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  // Text columns are left-aligned, counts right-aligned.
  const numeric = header.map((_, c) => rows.every((r) => /^[\d-]+$/.test(r[c])));
  const line = (cells: string[]) =>
    '  ' +
    cells
      .map((cell, c) => (numeric[c] ? cell.padStart(widths[c]) : cell.padEnd(widths[c])))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)];
}

const count = (n: number | undefined) => (n === undefined ? '-' : String(n));

export function formatCoverage(stats: ActionStats): string {
  const perAction = table(
    ['Action', 'Location', 'Generated', 'Distinct'],
    [
      ['<Initial predicate>', '', count(stats.initial.generated), count(stats.initial.distinct)],
      ...stats.actions.map((a) => [
        a.label,
        locationText(a.loc),
        count(a.generated),
        count(a.distinct),
      ]),
    ],
  );
  const perName = table(
    ['Action', 'Location', 'Disjuncts', 'Generated', 'Distinct'],
    stats.byName.map((g) => [
      g.name,
      locationText(g.loc),
      String(g.disjuncts),
      count(g.generated),
      count(g.distinct),
    ]),
  );
  return [
    'Coverage by sub-action (Generated: successors produced; Distinct: new states found first):',
    ...perAction,
    'Coverage by action (sub-actions from the same definition added up):',
    ...perName,
  ].join('\n');
}
