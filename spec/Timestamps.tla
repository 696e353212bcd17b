----------------------------- MODULE Timestamps -----------------------------
(***************************************************************************)
(* The per-client timestamp service. Each time a server gains leadership   *)
(* it starts a new instance with a fresh proposer identity. The instance   *)
(*  1. recovers: asks a quorum of acceptors for the latest sequence they   *)
(*     touched in the client's log, and learns the bound agreed there,     *)
(*     forcing agreement at that sequence if nobody has learned it;        *)
(*  2. serves timestamps from memory, starting at the recovered bound;     *)
(*  3. before a timestamp would pass the agreed bound, proposes a higher   *)
(*     bound at the next sequence; if that sequence was won by another     *)
(*     identity, or the agreed bound is lower than asked, it stops for     *)
(*     good (a newer leader owns the log).                                 *)
(* A server serves a request only after a leadership check that started    *)
(* after the request arrived. Gaps in timestamps are allowed.              *)
(***************************************************************************)
EXTENDS Election

CONSTANTS
    MaxBound,   \* bounds (and so timestamps) are at most MaxBound
    Step        \* how far an instance extends the bound at a time

VARIABLES
    tsvc,     \* volatile: tsvc[s][c], the current timestamp-service instance
    req,      \* req[c]: the client's outstanding request
    served    \* history: every response, [client, ts, floor]

Phases == {"off", "recovering", "forcing", "serving", "extending", "stopped"}
Off == [phase |-> "off", id |-> 0, term |-> 0, seq |-> 0, limit |-> 0, counter |-> 0, check |-> 0]
Idle == [st |-> "idle", srv |-> 0, after |-> 0, floor |-> 0]

TimestampsInit ==
    /\ tsvc = [s \in Servers |-> [c \in Clients |-> Off]]
    /\ req = [c \in Clients |-> Idle]
    /\ served = {}

Bound(v) == v.bound

(* The highest timestamp returned to c so far (0 if none).                *)
MaxServed(c) ==
    LET ts == {r.ts : r \in {r \in served : r.client = c}}
    IN  IF ts = {} THEN 0 ELSE CHOOSE t \in ts : \A u \in ts : u <= t

(* The value an instance proposes in its current phase: when forcing, the *)
(* bound agreed at the previous sequence (so nothing changes); when       *)
(* extending, a bound Step higher.                                        *)
OwnValue(s, c) ==
    LET t == tsvc[s][c]
    IN  IF t.phase = "forcing"
          THEN [bound |-> IF t.seq = 1 THEN 0 ELSE Bound(learned[s][c][t.seq - 1]), pid |-> t.id]
          ELSE [bound |-> t.limit + Step, pid |-> t.id]

(* The instance at s for c is proposing at its current sequence.          *)
Proposing(s, c) ==
    /\ tsvc[s][c].phase \in {"forcing", "extending"}
    /\ tsvc[s][c].phase = "forcing" => (tsvc[s][c].seq = 1 \/ learned[s][c][tsvc[s][c].seq - 1] # None)

(***************************************************************************)
(* s gained leadership (a term newer than its instance's): start a new     *)
(* instance for c with a fresh identity, and ask for the latest sequence.  *)
(***************************************************************************)
StartService(s, c) ==
    /\ LeaderOf(s) = s
    /\ tsvc[s][c].term < GreatestLearned(s, LeaderLog)
    /\ StartCheck(s, c)
    /\ tsvc' = [tsvc EXCEPT ![s][c] = [phase |-> "recovering", id |-> fresh + 1,
                                       term |-> GreatestLearned(s, LeaderLog),
                                       seq |-> 0, limit |-> 0, counter |-> 0, check |-> fresh + 1]]
    /\ UNCHANGED <<acc, learned, req, served>>

(***************************************************************************)
(* A quorum answered the recovery check: the latest sequence q anybody in  *)
(* it touched. If s learned the bound at q, serve from it; else force      *)
(* agreement at q first.                                                   *)
(***************************************************************************)
Recover(s, c) ==
    /\ tsvc[s][c].phase = "recovering"
    /\ \E Q \in Quorums :
          /\ \A a \in Q : \E m \in Pongs(s, c, tsvc[s][c].check) : m.from = a
          /\ LET ls == {m.latest : m \in {m \in Pongs(s, c, tsvc[s][c].check) : m.from \in Q}}
                 q == CHOOSE x \in ls : \A y \in ls : y <= x
             IN  tsvc' = [tsvc EXCEPT ![s][c] =
                            IF q = 0 THEN [@ EXCEPT !.phase = "serving"]
                            ELSE IF learned[s][c][q] # None
                              THEN [@ EXCEPT !.phase = "serving", !.seq = q,
                                             !.limit = Bound(learned[s][c][q]),
                                             !.counter = Bound(learned[s][c][q])]
                              ELSE [@ EXCEPT !.phase = "forcing", !.seq = q]]
    /\ UNCHANGED <<acc, msgs, learned, fresh, req, served>>

(* Forcing is done once s learned the bound at the sequence it forced.    *)
FinishForcing(s, c) ==
    /\ tsvc[s][c].phase = "forcing"
    /\ learned[s][c][tsvc[s][c].seq] # None
    /\ LET b == Bound(learned[s][c][tsvc[s][c].seq])
       IN  tsvc' = [tsvc EXCEPT ![s][c].phase = "serving", ![s][c].limit = b, ![s][c].counter = b]
    /\ UNCHANGED <<acc, msgs, learned, fresh, req, served>>

(***************************************************************************)
(* The next timestamp would pass the agreed bound: propose a higher bound  *)
(* at the next sequence.                                                   *)
(***************************************************************************)
Extend(s, c) ==
    /\ tsvc[s][c].phase = "serving"
    /\ tsvc[s][c].counter + 1 > tsvc[s][c].limit
    /\ tsvc[s][c].limit + Step <= MaxBound
    /\ tsvc[s][c].seq + 1 \in Seqs
    /\ tsvc' = [tsvc EXCEPT ![s][c].phase = "extending", ![s][c].seq = @ + 1]
    /\ UNCHANGED <<acc, msgs, learned, fresh, req, served>>

(* The instance proposes at its sequence with ballot <<n, id>>.           *)
ProposeBound(s, c, q, n) ==
    /\ Proposing(s, c)
    /\ q = tsvc[s][c].seq
    /\ SendPrepare(c, q, <<n, tsvc[s][c].id>>)
    /\ UNCHANGED <<acc, learned, fresh, tsvc, req, served>>

SendBoundAccept(s, c, q, b) ==
    /\ Proposing(s, c)
    /\ q = tsvc[s][c].seq
    /\ b[2] = tsvc[s][c].id
    /\ SendAccept(c, q, b, OwnValue(s, c))
    /\ UNCHANGED <<acc, learned, fresh, tsvc, req, served>>

(***************************************************************************)
(* s learned the bound at the sequence it extended to: serve up to it if   *)
(* this instance won it with at least what it asked; otherwise a newer     *)
(* leader owns the log, and the instance stops for good.                   *)
(***************************************************************************)
BoundAgreed(s, c) ==
    /\ tsvc[s][c].phase = "extending"
    /\ learned[s][c][tsvc[s][c].seq] # None
    /\ LET v == learned[s][c][tsvc[s][c].seq]
       IN  tsvc' = [tsvc EXCEPT ![s][c] =
                      IF v.pid = @.id /\ v.bound >= @.limit + Step
                        THEN [@ EXCEPT !.phase = "serving", !.limit = v.bound]
                        ELSE [@ EXCEPT !.phase = "stopped"]]
    /\ UNCHANGED <<acc, msgs, learned, fresh, req, served>>

(***************************************************************************)
(* Clients: c sends a request to s; it remembers the highest timestamp     *)
(* returned so far and the check counter at arrival.                       *)
(***************************************************************************)
Request(c, s) ==
    /\ req[c].st = "idle"
    /\ req' = [req EXCEPT ![c] = [st |-> "pending", srv |-> s, after |-> fresh, floor |-> MaxServed(c)]]
    /\ UNCHANGED <<acc, msgs, learned, fresh, tsvc, served>>

(* The request timed out or was refused (s was not the leader).           *)
GiveUp(c) ==
    /\ req[c].st = "pending"
    /\ req' = [req EXCEPT ![c] = Idle]
    /\ UNCHANGED <<acc, msgs, learned, fresh, tsvc, served>>

(***************************************************************************)
(* s starts a leadership check for the requests it holds. Checks are       *)
(* coalesced: a request needs one only if no check of s started after it   *)
(* arrived; a check that timed out may be retried, so a new check is also  *)
(* allowed while any request is pending (fairness asks only for the first).*)
(***************************************************************************)
HasPendingRequest(s) == \E c \in Clients : req[c].st = "pending" /\ req[c].srv = s

NeedsCheck(s) ==
    \E c \in Clients :
        /\ req[c].st = "pending"
        /\ req[c].srv = s
        /\ ~\E m \in msgs : m.type = "ping" /\ m.from = s /\ m.log = LeaderLog /\ m.id > req[c].after

CheckLeadership(s) == CheckLeadershipIf(s, HasPendingRequest(s)) /\ UNCHANGED <<tsvc, req, served>>

(***************************************************************************)
(* s answers c's request from memory, after a leadership check (k) that    *)
(* started after the request arrived confirmed s as leader.                *)
(***************************************************************************)
Serve(s, c, k) ==
    /\ req[c].st = "pending"
    /\ req[c].srv = s
    /\ k > req[c].after
    /\ ConfirmedBy(s, k)
    /\ tsvc[s][c].phase = "serving"
    /\ tsvc[s][c].counter < tsvc[s][c].limit
    /\ tsvc' = [tsvc EXCEPT ![s][c].counter = @ + 1]
    /\ served' = served \cup {[client |-> c, ts |-> tsvc[s][c].counter + 1, floor |-> req[c].floor]}
    /\ req' = [req EXCEPT ![c] = Idle]
    /\ UNCHANGED <<acc, msgs, learned, fresh>>

-----------------------------------------------------------------------------
(* What clients are promised.                                             *)

(* No timestamp is returned twice to a client: no two responses share a  *)
(* client and a timestamp.                                                *)
UniqueTimestamps ==
    Cardinality({<<r.client, r.ts>> : r \in served}) = Cardinality(served)

(* Each timestamp is above every timestamp whose response completed before*)
(* its request arrived.                                                   *)
RealTimeOrder == \A r \in served : r.ts > r.floor

(* The bounds agreed in client c's log.                                    *)
AgreedBounds(chosen, c) == {t[3].bound : t \in {t \in chosen : t[1] = c}}

(* Every timestamp returned is at most a bound agreed in the client's log.*)
WithinAgreedBound ==
    LET chosen == ChosenTriples
        bounds == [c \in Clients |-> AgreedBounds(chosen, c)]
    IN  \A r \in served : \E b \in bounds[r.client] : r.ts <= b

(* Agreed bounds never decrease as the sequence grows.                    *)
BoundsIncrease ==
    LET chosen == ChosenTriples
    IN  \A c \in Clients :
            LET agreed == {t \in chosen : t[1] = c}
            IN  \A t1, t2 \in agreed : t1[2] < t2[2] => t1[3].bound <= t2[3].bound
=============================================================================
