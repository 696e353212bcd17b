/** What the client API answers a request it refuses: shared by its timestamp and lock parts. */

/** A request the API refuses, with the status and the reason to answer. */
export interface ClientRefusal {
  readonly status: number;
  readonly error: string;
  readonly allow?: string;
}
