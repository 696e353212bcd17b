--------------------------- MODULE BoundedCounter ---------------------------
(* A small model of how Timelock hands out timestamps: the server serves   *)
(* from a counter in memory, but never above a bound it has made durable   *)
(* first; before a timestamp would pass the bound it persists a higher     *)
(* one. A crash loses the counter, and a restarted server starts above the *)
(* durable bound, so no timestamp is ever handed out twice. This is the    *)
(* bundled model `npm start` checks until the full Timelock spec lands.    *)
EXTENDS Naturals, Sequences

CONSTANTS MaxBound,   \* the largest bound the model lets the server persist
          Step        \* how far ahead of use the server extends the bound

VARIABLES bound,      \* durable: the highest timestamp the server may hand out
          counter,    \* volatile: the last timestamp handed out (0 after restart)
          up,         \* whether the server is running
          issued      \* history: every timestamp handed out, in order

vars == <<bound, counter, up, issued>>

Init == /\ bound = 0
        /\ counter = 0
        /\ up = TRUE
        /\ issued = <<>>

\* Persist a higher bound before the counter would pass the current one.
Extend == /\ up
           /\ counter = bound
           /\ bound + Step <= MaxBound
           /\ bound' = bound + Step
           /\ UNCHANGED <<counter, up, issued>>

\* Hand out the next timestamp from memory.
Serve == /\ up
         /\ counter < bound
         /\ counter' = counter + 1
         /\ issued' = Append(issued, counter + 1)
         /\ UNCHANGED <<bound, up>>

Crash == /\ up
         /\ up' = FALSE
         /\ counter' = 0
         /\ UNCHANGED <<bound, issued>>

\* A restarted server starts at the durable bound: everything below it may have been used.
Restart == /\ ~up
           /\ up' = TRUE
           /\ counter' = bound
           /\ UNCHANGED <<bound, issued>>

Next == Extend \/ Serve \/ Crash \/ Restart

TypeOK == /\ bound \in 0..MaxBound
          /\ counter \in 0..MaxBound
          /\ up \in BOOLEAN
          /\ issued \in Seq(1..MaxBound)

\* Timestamps strictly increase, so none is handed out twice.
Increasing == \A i \in 1..(Len(issued) - 1) : issued[i] < issued[i + 1]

\* No timestamp is above the durable bound.
BelowBound == \A i \in 1..Len(issued) : issued[i] <= bound
=============================================================================
