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
(* after the request arrived. A request asks for a range of timestamps     *)
(* (AtlasDB's getFreshTimestamps(n)); the answer may be shorter than asked *)
(* when the agreed bound is near. Gaps in timestamps are allowed.          *)
(***************************************************************************)
EXTENDS Election

CONSTANTS
    MaxBound,   \* bounds (and so timestamps) are at most MaxBound
    Step,       \* how far an instance extends the bound at a time
    MaxBatch    \* a request asks for at most MaxBatch timestamps

VARIABLES
    tsvc,     \* volatile: tsvc[s][c], the current timestamp-service instance
    req,      \* req[c][s]: client c's request outstanding at server s
    served,   \* history: every response, [client, first, last, floor, prev]
    returned  \* history: returned[c], the greatest timestamp returned to c (0 if none)

Phases == {"off", "recovering", "forcing", "serving", "extending", "stopped"}
Off == [phase |-> "off", id |-> 0, term |-> 0, seq |-> 0, limit |-> 0, counter |-> 0, check |-> 0]
Idle == [st |-> "idle", after |-> 0, floor |-> 0, count |-> 0]

TimestampsInit ==
    /\ tsvc = [s \in Servers |-> [c \in Clients |-> Off]]
    /\ req = [c \in Clients |-> [s \in Servers |-> Idle]]
    /\ served = {}
    /\ returned = [c \in Clients |-> 0]

(* The value of a client's log: a bound, and the instance that proposed it.*)
BoundValue(b, id) == [bound |-> b, pid |-> id]
Bound(v) == v.bound

(* The identity of the k-th instance s starts: distinct across servers,   *)
(* as the proposer ids of a log's ballots must be.                        *)
InstanceId(s, k) == (k - 1) * N + s

Min(x, y) == IF x < y THEN x ELSE y
Max(x, y) == IF x < y THEN y ELSE x

(* The value an instance proposes in its current phase: when forcing, the *)
(* bound agreed at the previous sequence (so nothing changes); when       *)
(* extending, a bound Step higher.                                        *)
OwnValue(s, c) ==
    LET t == tsvc[s][c]
    IN  IF t.phase = "forcing"
          THEN BoundValue(IF t.seq = 1 THEN 0 ELSE Bound(learned[s][c][t.seq - 1]), t.id)
          ELSE BoundValue(t.limit + Step, t.id)

(* The instance at s for c is proposing at its current sequence. (An IF,  *)
(* not a disjunction: in an action TLC evaluates every disjunct, and the   *)
(* sequence before 1 does not exist.)                                      *)
Proposing(s, c) ==
    /\ tsvc[s][c].phase \in {"forcing", "extending"}
    /\ tsvc[s][c].phase = "forcing" =>
           IF tsvc[s][c].seq = 1 THEN TRUE ELSE learned[s][c][tsvc[s][c].seq - 1] # None

(***************************************************************************)
(* s gained leadership (a term newer than its instance's): start a new     *)
(* instance for c with a fresh identity, and ask for the latest sequence.  *)
(***************************************************************************)
StartService(s, c) ==
    /\ LeaderOf(s) = s
    /\ tsvc[s][c].term < GreatestLearned(s, LeaderLog)
    /\ StartCheck(s, c)
    /\ tsvc' = [tsvc EXCEPT ![s][c] = [phase |-> "recovering", id |-> InstanceId(s, fresh[s] + 1),
                                       term |-> GreatestLearned(s, LeaderLog),
                                       seq |-> 0, limit |-> 0, counter |-> 0, check |-> fresh[s] + 1]]
    /\ UNCHANGED <<acc, learned, chosen, req, served, returned>>

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
    /\ UNCHANGED <<acc, msgs, learned, chosen, fresh, req, served, returned>>

(* Forcing is done once s learned the bound at the sequence it forced.    *)
FinishForcing(s, c) ==
    /\ tsvc[s][c].phase = "forcing"
    /\ learned[s][c][tsvc[s][c].seq] # None
    /\ LET b == Bound(learned[s][c][tsvc[s][c].seq])
       IN  tsvc' = [tsvc EXCEPT ![s][c].phase = "serving", ![s][c].limit = b, ![s][c].counter = b]
    /\ UNCHANGED <<acc, msgs, learned, chosen, fresh, req, served, returned>>

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
    /\ UNCHANGED <<acc, msgs, learned, chosen, fresh, req, served, returned>>

(* The instance proposes at its sequence with ballot <<n, id>>.           *)
ProposeBound(s, c, q, n) ==
    /\ Proposing(s, c)
    /\ q = tsvc[s][c].seq
    /\ SendPrepare(c, q, <<n, tsvc[s][c].id>>)
    /\ UNCHANGED <<acc, learned, chosen, fresh, tsvc, req, served, returned>>

SendBoundAccept(s, c, q, b) ==
    /\ Proposing(s, c)
    /\ q = tsvc[s][c].seq
    /\ b[2] = tsvc[s][c].id
    /\ SendAccept(c, q, b, OwnValue(s, c))
    /\ UNCHANGED <<acc, learned, chosen, fresh, tsvc, req, served, returned>>

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
    /\ UNCHANGED <<acc, msgs, learned, chosen, fresh, req, served, returned>>

(***************************************************************************)
(* Clients: c asks s for n timestamps; the request remembers the highest  *)
(* timestamp returned so far and s's check counter at arrival. A client   *)
(* (a namespace, in the real service) may have a request outstanding at    *)
(* several servers at once: processes that share a namespace ask whichever *)
(* server they believe leads, and a server learns of a crash elsewhere     *)
(* only by a timeout, so no server can wait for another's request to end.  *)
(***************************************************************************)
Request(c, s, n) ==
    /\ req[c][s].st = "idle"
    /\ req' = [req EXCEPT ![c][s] = [st |-> "pending", after |-> fresh[s],
                                     floor |-> returned[c], count |-> n]]
    /\ UNCHANGED <<acc, msgs, learned, chosen, fresh, tsvc, served, returned>>

(* s gave c's request up: it timed out, s was not the leader, or s crashed.*)
GiveUp(c, s) ==
    /\ req[c][s].st = "pending"
    /\ req' = [req EXCEPT ![c][s] = Idle]
    /\ UNCHANGED <<acc, msgs, learned, chosen, fresh, tsvc, served, returned>>

(***************************************************************************)
(* s starts a leadership check for the requests it holds. Checks are       *)
(* coalesced: a request needs one only if no check of s started after it   *)
(* arrived; a check that timed out may be retried, so a new check is also  *)
(* allowed while any request is pending (fairness asks only for the first).*)
(***************************************************************************)
HasPendingRequest(s) == \E c \in Clients : req[c][s].st = "pending"

NeedsCheck(s) ==
    \E c \in Clients :
        /\ req[c][s].st = "pending"
        /\ ~\E m \in msgs : m.type = "ping" /\ m.from = s /\ m.log = LeaderLog /\ m.id > req[c][s].after

(* CheckLeadership(s), in Locks.tla, starts one for timestamp requests and *)
(* for lock requests alike.                                               *)

(***************************************************************************)
(* s answers c's request from memory, after a leadership check (k) that    *)
(* started after the request arrived confirmed s as leader: it hands out   *)
(* the next timestamps, as many as asked or as the agreed bound allows.    *)
(***************************************************************************)
ServedRange(s, c) ==
    <<tsvc[s][c].counter + 1, Min(tsvc[s][c].counter + req[c][s].count, tsvc[s][c].limit)>>

Serve(s, c, k) ==
    /\ req[c][s].st = "pending"
    /\ k > req[c][s].after
    /\ ConfirmedBy(s, k)
    /\ tsvc[s][c].phase = "serving"
    /\ tsvc[s][c].counter < tsvc[s][c].limit
    /\ LET range == ServedRange(s, c)
       IN  /\ tsvc' = [tsvc EXCEPT ![s][c].counter = range[2]]
           /\ served' = served \cup {[client |-> c, first |-> range[1], last |-> range[2],
                                      floor |-> req[c][s].floor, prev |-> returned[c]]}
           /\ returned' = [returned EXCEPT ![c] = Max(@, range[2])]
    /\ req' = [req EXCEPT ![c][s] = Idle]
    /\ UNCHANGED <<acc, msgs, learned, chosen, fresh>>

-----------------------------------------------------------------------------
(* What clients are promised. `served` records, with each response, the   *)
(* highest timestamp returned to its client before it (`prev`) and before *)
(* its request arrived (`floor`), so that each property below is a check  *)
(* of one response, or of one chosen bound, at a time: trace validation   *)
(* checks them on runs with millions of responses. SafetyReference.tla     *)
(* states them over pairs of responses and bounds; the models SafetyForms* *)
(* check both forms agree in every state.                                  *)

(* No timestamp is returned twice to a client: each response starts above *)
(* every timestamp returned to the client before it.                      *)
UniqueTimestamps == \A r \in served : r.first > r.prev

(* Each timestamp is above every timestamp whose response completed before*)
(* its request arrived.                                                   *)
RealTimeOrder == \A r \in served : r.first > r.floor

(* The greatest bound agreed in c's log so far (0 if none).              *)
GreatestAgreed(c) ==
    LET bs == {t[3].bound : t \in {t \in chosen : t[1] = c}}
    IN  IF bs = {} THEN 0 ELSE CHOOSE b \in bs : \A x \in bs : x <= b

(* Every timestamp returned is at most a bound agreed in the client's log:*)
(* the greatest one returned is at most the greatest bound agreed.        *)
WithinAgreedBound == \A c \in Clients : returned[c] <= GreatestAgreed(c)

(* Agreed bounds never decrease as the sequence grows: each is at least    *)
(* the one agreed at the sequence before (an instance proposes at q only   *)
(* once q - 1 is agreed, so the agreed sequences of a log have no gaps).   *)
BoundsIncrease ==
    \A t \in chosen :
        t[1] \in Clients =>
            \A u \in chosen : u[1] = t[1] /\ u[2] = t[2] - 1 => u[3].bound <= t[3].bound
=============================================================================
