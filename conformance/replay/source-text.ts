/**
 * The spec's source text of an expression, for reports: `BallotLess(acc[a][L][q].prom, b)`
 * reads better than a line and column. Shared with the engine's diagnostics.
 */
export { sourcePlace, sourceText } from '../tla/diagnostics/source.ts';
