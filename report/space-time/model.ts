/**
 * What a space-time diagram shows, whatever it was drawn from: lanes (servers, clients), steps
 * placed on them in one order (a point each, labelled with the action), arrows for messages
 * from the step that sent to the step that received, marks for crashes, and what each step
 * changed. The page (./html.ts) draws this and nothing else; the builders (./from-*.ts) turn
 * each kind of input into it.
 */

/** One step: an action taken on a lane, at a row of the merged order. */
export interface DiagramStep {
  /** Index into {@link SpaceTime.lanes}. */
  readonly lane: number;
  /** The action with its arguments, e.g. `Promise(2, "leader", 1, <<1, 2>>)`. */
  readonly label: string;
  /** Where it was logged or defined (`file:line`), when known. */
  readonly place?: string;
  /** What the step changed, one line each (`acc[1].prom: <<0, 0>> -> <<1, 1>>`). */
  readonly changes: readonly string[];
  /** A crash (and restart) of the lane's process. */
  readonly crash?: boolean;
}

/** A message: from the step that sent it to the step that received it (indexes into steps). */
export interface DiagramArrow {
  readonly from: number;
  readonly to: number;
}

/** A fault that lasted from one step to another: a crash, a partition, a pause. */
export interface DiagramPeriod {
  readonly label: string;
  /** The first and last step (indexes into steps) taken while it lasted. */
  readonly fromStep: number;
  readonly toStep: number;
}

/** The failing step and why it fails. */
export interface DiagramFailure {
  /** Index into {@link SpaceTime.steps}. */
  readonly step: number;
  /** One line: what went wrong. */
  readonly summary: string;
  /** The explanation as the terminal prints it (false conjunct, values, diff). */
  readonly details: string;
}

/** See the module comment. */
export interface SpaceTime {
  readonly title: string;
  /** What the diagram was drawn from, for the page's header. */
  readonly source: string;
  readonly lanes: readonly string[];
  readonly steps: readonly DiagramStep[];
  readonly arrows: readonly DiagramArrow[];
  /** Faults the traces do not record themselves, from a file beside them; may be empty. */
  readonly periods: readonly DiagramPeriod[];
  readonly failure?: DiagramFailure;
  /** What the page should say about what it cannot show (e.g. no messages in a spec trace). */
  readonly notes: readonly string[];
}
