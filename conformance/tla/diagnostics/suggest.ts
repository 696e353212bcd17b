/**
 * "Did you mean ...?": the known name closest to a misspelt one, when it is close enough to be
 * a likely typo (a small edit distance relative to the name's length, or a case difference).
 */
export function closestName(name: string, known: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const k of known) {
    if (k === name || k.startsWith('$')) continue;
    const d = k.toLowerCase() === name.toLowerCase() ? 0 : editDistance(name, k);
    // Between equally close names, a dropped or added letter (`Nxt` for `Next`) beats a changed one.
    const tieWon =
      d === bestDistance && best !== undefined && dropped(name, k) && !dropped(name, best);
    if (d < bestDistance || tieWon) {
      best = k;
      bestDistance = d;
    }
  }
  // One edit per three letters: `Limt` suggests `Limit`, but `N` suggests nothing but `n`.
  const allowed = Math.floor(name.length / 3);
  return bestDistance <= allowed ? best : undefined;
}

/** Whether one of the names is the other with letters left out. */
function dropped(a: string, b: string): boolean {
  const [short, long] = a.length <= b.length ? [a, b] : [b, a];
  let i = 0;
  for (const c of long) if (c === short[i]) i++;
  return i === short.length;
}

/** Levenshtein distance, on one row. */
function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length];
}
