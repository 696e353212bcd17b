/**
 * Where TLC's own copies of the standard modules (tla2sany/StandardModules/*.tla in
 * tla2tools.jar) define each operator, as SANY names the place: line, column, end line, end
 * column. SANY cites them when a spec declares a name a standard module already defines
 * ("conflicts with the one at line 14, col 1 to line 14, col 16 of module Naturals"); our
 * standard modules are native and have no source. test/conformance/tla/eval/declarations.test.ts
 * recomputes this table from the jar when TLA2TOOLS_JAR is set.
 */
export const STD_DEFINITION_PLACES: Readonly<
  Record<string, Readonly<Record<string, readonly [number, number, number, number]>>>
> = {
  Naturals: {
    Nat: [14, 1, 14, 16],
    $plus: [15, 1, 15, 19],
    $minus: [17, 1, 17, 33],
    $mul: [18, 1, 18, 17],
    $pow: [19, 1, 19, 19],
    $lt: [20, 1, 20, 19],
    $gt: [21, 1, 21, 19],
    $leq: [22, 1, 22, 19],
    $geq: [23, 1, 23, 19],
    $mod: [33, 1, 33, 20],
    $div: [34, 1, 34, 20],
    $dots_2: [35, 1, 35, 20],
  },
  Integers: {
    Int: [18, 1, 18, 12],
    $negative: [22, 1, 22, 13],
  },
  Sequences: {
    Seq: [20, 1, 20, 41],
    Len: [25, 1, 25, 44],
    $circ: [30, 1, 31, 76],
    Append: [36, 1, 36, 26],
    Head: [41, 1, 41, 15],
    Tail: [42, 1, 42, 61],
    SubSeq: [48, 1, 48, 50],
    SelectSeq: [53, 1, 65, 14],
  },
  FiniteSets: {
    IsFiniteSet: [14, 1, 19, 68],
    Cardinality: [21, 1, 27, 11],
  },
  TLC: {
    Print: [17, 1, 17, 22],
    PrintT: [18, 1, 18, 19],
    Assert: [24, 1, 25, 54],
    JavaTime: [26, 1, 26, 32],
    TLCGet: [75, 1, 75, 28],
    TLCSet: [76, 1, 76, 20],
    $map_to: [78, 1, 78, 27],
    $compose: [79, 1, 80, 50],
    Permutations: [81, 1, 82, 54],
    SortSeq: [88, 1, 92, 40],
    RandomElement: [110, 1, 110, 41],
    Any: [119, 1, 119, 22],
    ToString: [121, 1, 121, 58],
    TLCEval: [145, 1, 145, 15],
  },
  Bags: {
    IsABag: [21, 1, 25, 41],
    BagToSet: [27, 1, 27, 23],
    SetToBag: [32, 1, 32, 30],
    BagIn: [37, 1, 37, 31],
    EmptyBag: [42, 1, 42, 24],
    $oplus: [44, 1, 50, 46],
    $ominus: [52, 1, 61, 50],
    BagUnion: [75, 1, 80, 58],
    $sqsubseteq: [82, 1, 88, 42],
    SubBag: [90, 1, 111, 11],
    BagOfAll: [123, 1, 131, 66],
    BagCardinality: [133, 1, 139, 8],
    CopiesIn: [141, 1, 146, 33],
  },
};
