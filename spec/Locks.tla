------------------------------- MODULE Locks -------------------------------
(***************************************************************************)
(* Locks from the leader only: the lock half of Timelock, as the           *)
(* implementation takes its steps. Per namespace (a client's name, whose   *)
(* timestamps the namespace shares), the leader keeps a lock table in      *)
(* memory; it is lost when the server crashes, and the implementation     *)
(* drops it (LockRelease of every entry) when the server stops leading or *)
(* the namespace's timestamp-service instance belongs to an older term.    *)
(*                                                                         *)
(* A lock request h (named by its lock token, random in the                *)
(* implementation) asks for a tuple of descriptors, all or nothing. A      *)
(* grant and a refresh need the same fresh leadership check as serving a   *)
(* timestamp: one that started after the request arrived. The grant's     *)
(* fencing token is the namespace's next timestamp, taken from the same    *)
(* instance and recorded in `served` like any timestamp: so UniqueTimestamps*)
(* and RealTimeOrder cover fencing tokens too, and tokens grow across      *)
(* leaders because every new instance starts above the agreed bound.       *)
(* A grant names the term (the leader log's sequence) it was made under:   *)
(* AtlasDB's leadership id. Refresh succeeds only under that same term.    *)
(*                                                                         *)
(* An empty tuple of descriptors is the immutable-timestamp lock: it       *)
(* conflicts with nothing, and its token is the locked timestamp.          *)
(*                                                                         *)
(* LockService.tla checks the properties of locks across leader changes   *)
(* on an abstract model; this module is what traces are replayed against. *)
(***************************************************************************)
EXTENDS Timestamps

CONSTANTS
    Holders,       \* lock requests, by their token
    Descriptors,   \* what may be locked
    MaxLockSize    \* a request locks at most this many descriptors

VARIABLES
    locks,         \* volatile: locks[s][c][h], lock request h of namespace c at server s
    lockFloor      \* history: lockFloor[h], the greatest timestamp returned to h's
                   \* namespace before h arrived (what RealTimeOrder needs of a grant)

LockStates == {"none", "waiting", "held", "refreshing"}

(* An entry: its state, the descriptors, s's fresh counter when the       *)
(* request (or the refresh) arrived, and once granted, the fencing token   *)
(* and the term.                                                           *)
NoLock == [st |-> "none", descs |-> <<>>, after |-> 0, fencing |-> 0, term |-> 0]

LocksInit ==
    /\ locks = [s \in Servers |-> [c \in Clients |-> [h \in Holders |-> NoLock]]]
    /\ lockFloor = [h \in Holders |-> 0]

DescriptorTuples == UNION {[1..n -> Descriptors] : n \in 0..MaxLockSize}

Range(t) == {t[i] : i \in DOMAIN t}

Holding(e) == e.st \in {"held", "refreshing"}

Overlap(e, f) == Range(e.descs) \cap Range(f.descs) # {}

HasPendingLock(s) ==
    \E c \in Clients, h \in Holders : locks[s][c][h].st \in {"waiting", "refreshing"}

(* The instance of c at s serves under the term s last learned.            *)
ServingCurrentTerm(s, c) ==
    /\ tsvc[s][c].phase = "serving"
    /\ tsvc[s][c].term = GreatestLearned(s, LeaderLog)

(***************************************************************************)
(* Lock request h of namespace c arrives at s, for descriptors D.          *)
(***************************************************************************)
LockRequest(s, c, h, D) ==
    /\ locks[s][c][h].st = "none"
    /\ locks' = [locks EXCEPT ![s][c][h] =
                    [NoLock EXCEPT !.st = "waiting", !.descs = D, !.after = fresh[s]]]
    /\ lockFloor' = [lockFloor EXCEPT ![h] = returned[c]]
    /\ UNCHANGED <<acc, msgs, learned, chosen, fresh, tsvc, req, served, returned>>

(***************************************************************************)
(* s grants h after check k, started after h arrived, confirmed s as       *)
(* leader, when no lock s holds overlaps: the fencing token is c's next    *)
(* timestamp.                                                              *)
(***************************************************************************)
(* The fencing token a grant at s in namespace c takes: c's next timestamp.*)
GrantedToken(s, c) == tsvc[s][c].counter + 1

LockGrant(s, c, h, k) ==
    /\ locks[s][c][h].st = "waiting"
    /\ k > locks[s][c][h].after
    /\ ConfirmedBy(s, k)
    /\ ServingCurrentTerm(s, c)
    /\ tsvc[s][c].counter < tsvc[s][c].limit
    /\ ~\E g \in Holders : Holding(locks[s][c][g]) /\ Overlap(locks[s][c][g], locks[s][c][h])
    /\ locks' = [locks EXCEPT ![s][c][h] =
                    [@ EXCEPT !.st = "held", !.fencing = GrantedToken(s, c),
                              !.term = tsvc[s][c].term]]
    /\ tsvc' = [tsvc EXCEPT ![s][c].counter = GrantedToken(s, c)]
    /\ served' = served \cup {[client |-> c, first |-> GrantedToken(s, c),
                               last |-> GrantedToken(s, c), floor |-> lockFloor[h],
                               prev |-> returned[c]]}
    /\ returned' = [returned EXCEPT ![c] = Max(@, GrantedToken(s, c))]
    /\ UNCHANGED <<acc, msgs, learned, chosen, fresh, req, lockFloor>>

(* A refresh of h arrives at s while h holds its lock.                    *)
LockRefreshRequest(s, c, h) ==
    /\ locks[s][c][h].st = "held"
    /\ locks' = [locks EXCEPT ![s][c][h].st = "refreshing", ![s][c][h].after = fresh[s]]
    /\ UNCHANGED <<acc, msgs, learned, chosen, fresh, tsvc, req, served, returned, lockFloor>>

(***************************************************************************)
(* s confirms h's lock: check k, started after the refresh arrived,        *)
(* confirmed s as leader under the term the lock was granted in.           *)
(***************************************************************************)
LockRefresh(s, c, h, k) ==
    /\ locks[s][c][h].st = "refreshing"
    /\ k > locks[s][c][h].after
    /\ ConfirmedBy(s, k)
    /\ ServingCurrentTerm(s, c)
    /\ locks[s][c][h].term = tsvc[s][c].term
    /\ locks' = [locks EXCEPT ![s][c][h].st = "held"]
    /\ UNCHANGED <<acc, msgs, learned, chosen, fresh, tsvc, req, served, returned, lockFloor>>

(* h's entry ends: unlocked, lease expired, request timed out or refused,  *)
(* or the table dropped because s no longer leads under the lock's term.   *)
LockRelease(s, c, h) ==
    /\ locks[s][c][h].st # "none"
    /\ locks' = [locks EXCEPT ![s][c][h] = NoLock]
    /\ UNCHANGED <<acc, msgs, learned, chosen, fresh, tsvc, req, served, returned, lockFloor>>

(* A leadership check is needed for timestamp requests and locks alike.   *)
CheckLeadership(s) ==
    /\ CheckLeadershipIf(s, HasPendingRequest(s) \/ HasPendingLock(s))
    /\ UNCHANGED <<tsvc, req, served, returned, locks, lockFloor>>

-----------------------------------------------------------------------------
(* No two locks a table holds overlap (for models: it reads every pair).  *)
LocksExclusive ==
    \A s \in Servers, c \in Clients, g, h \in Holders :
        g # h /\ Holding(locks[s][c][g]) /\ Holding(locks[s][c][h]) => ~Overlap(locks[s][c][g], locks[s][c][h])

LocksTypeOK ==
    \A s \in Servers, c \in Clients, h \in Holders :
        /\ locks[s][c][h].st \in LockStates
        /\ Holding(locks[s][c][h]) => locks[s][c][h].fencing > 0 /\ locks[s][c][h].term > 0
=============================================================================
