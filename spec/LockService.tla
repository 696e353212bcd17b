---------------------------- MODULE LockService ----------------------------
(***************************************************************************)
(* An abstract model of Timelock's lock service, beside the concrete       *)
(* Paxos-based spec (Timelock.tla). That spec is too large to check locks  *)
(* across changes of leader, so this module replaces Paxos by its outcome: *)
(* a sequence of terms, each led by one server, which servers learn late.  *)
(* It keeps the timing that breaks lock services: a deposed leader that    *)
(* has not yet learned it was deposed still acts as leader, and a          *)
(* leadership check that confirmed may be overtaken by an election before  *)
(* the grant or refresh it was for takes effect.                           *)
(*                                                                         *)
(* Timestamps are abstracted to what the concrete spec proves of them:     *)
(* those handed out under term t lie in a block above every block of an    *)
(* earlier term (t * Width + 1 .. t * Width + Width). Fencing tokens and   *)
(* immutable timestamps are drawn from them.                               *)
(*                                                                         *)
(* Time is not modelled: a lease may expire at any moment.                 *)
(***************************************************************************)
EXTENDS Naturals, FiniteSets, Sequences, TLC

CONSTANTS
    N,            \* servers 1..N
    Holders,      \* lock clients (model values)
    Descriptors,  \* lockable names, each guarding one resource
    MaxTerm,      \* elections stop at this term
    Width,        \* timestamps each term's leader may hand out
    MaxChecks,    \* leadership checks each server may start
    MaxCrashes,   \* crashes a behaviour may contain
    Guarded,      \* the descriptors whose resource holders read and write
    ImmutableHolders, \* the holders that lock immutable timestamps (the others lock descriptors)
    \* Bug variants; every correct model sets them FALSE.
    RefreshWithoutCheckBug,  \* a refresh succeeds with no leadership check after it arrived
    KeepTableBug,            \* a server keeps its lock table across terms and honours its refreshes
    FencingCounterBug,       \* fencing tokens from a per-server counter, not from the timestamps
    PartialAcquireBug        \* a grant looks at one descriptor of the set only

ASSUME N \in Nat \ {0} /\ MaxTerm \in Nat /\ Width \in Nat /\ MaxChecks \in Nat
ASSUME MaxCrashes \in Nat
ASSUME {RefreshWithoutCheckBug, KeepTableBug, FencingCounterBug, PartialAcquireBug}
           \subseteq BOOLEAN

Servers == 1..N
Terms == 0..MaxTerm

VARIABLES
    term,       \* the current (chosen) term; 0 before the first election
    leaderOf,   \* leaderOf[t]: who leads term t (0: nobody yet)
    view,       \* view[s]: the latest term s has learned
    checks,     \* checks[s]: how many leadership checks s has started (durable)
    confirmed,  \* confirmed[s]: the number of s's latest check that confirmed it
    used,       \* used[t]: timestamps the leader of term t has handed out
    ctr,        \* ctr[s]: FencingCounterBug's per-server token counter (survives everything)
    table,      \* table[s]: s's in-memory lock table, a set of Lock records
    queue,      \* queue[s][d]: holders waiting at s for d, first come first
    hold,       \* hold[h]: holder h's request and what it believes it holds
    res,        \* res[d]: the resource d guards: its value and the highest token seen
    grants,     \* history: every grant, in order (its index is the grant's number)
    refreshed,  \* history: the latest successful refresh
    written,    \* history: the latest write a resource accepted
    answered,   \* history: the latest answer of GetImmutable
    immHigh,    \* history: for immutable locks, the highest answer given while each was valid
    crashes     \* how many crashes happened

vars == <<term, leaderOf, view, checks, confirmed, used, ctr, table, queue, hold, res,
          grants, refreshed, written, answered, immHigh, crashes>>

Max(S) == CHOOSE x \in S : \A y \in S : y <= x
Min(S) == CHOOSE x \in S : \A y \in S : x <= y

(* A lock in a table. g is the grant's number in `grants`; an immutable    *)
(* timestamp lock has g = 0 and no descriptor, and its token is the        *)
(* timestamp it locks.                                                     *)
Lock(h, D, tok, t, g) == [h |-> h, D |-> D, tok |-> tok, term |-> t, g |-> g]

(* A holder's state. st is "idle", "waiting" (a lock request pending at    *)
(* s), "holding" (it believes it holds lock g), "refreshing" (believing    *)
(* still, with a refresh pending at s) or "immutable" (it holds the        *)
(* immutable timestamp lock tok). after: s's check counter when the        *)
(* pending request arrived; arrival: how many grants had happened when a   *)
(* refresh arrived. rd, rdD, rdV: one read-then-write of a guarded         *)
(* resource per grant, which bounds the resource's value.                  *)
Idle == [st |-> "idle", s |-> 0, D |-> {}, g |-> 0, tok |-> 0, after |-> 0, arrival |-> 0,
         rd |-> "none", rdD |-> {}, rdV |-> 0]

Init ==
    /\ term = 0
    /\ leaderOf = [t \in Terms |-> 0]
    /\ view = [s \in Servers |-> 0]
    /\ checks = [s \in Servers |-> 0]
    /\ confirmed = [s \in Servers |-> 0]
    /\ used = [t \in Terms |-> 0]
    /\ ctr = [s \in Servers |-> 0]
    /\ table = [s \in Servers |-> {}]
    /\ queue = [s \in Servers |-> [d \in Descriptors |-> <<>>]]
    /\ hold = [h \in Holders |-> Idle]
    /\ res = [d \in Descriptors |-> [val |-> 0, seen |-> 0]]
    /\ grants = <<>>
    /\ refreshed = [D |-> {}, g |-> 0, arrival |-> 0]
    /\ written = [base |-> 0, prev |-> 0]
    /\ answered = [val |-> 0, held |-> {}, current |-> FALSE, prior |-> 0]
    /\ immHigh = {}
    /\ crashes = 0

-----------------------------------------------------------------------------
(* s believes it leads: it leads the latest term it knows of.              *)
ActsAsLeader(s) == leaderOf[view[s]] = s

(* s really leads: what a leadership check confirms.                       *)
LeadsNow(s) == view[s] = term /\ leaderOf[term] = s

(* The locks that exclude others now: granted under the current term and   *)
(* still in the table of its leader (neither released nor expired).        *)
ValidLocks == IF term = 0 THEN {} ELSE {l \in table[leaderOf[term]] : l.term = term}

Pending(h, s) == hold[h].st \in {"waiting", "refreshing"} /\ hold[h].s = s

(* What s held in memory for the term it led is lost: its pending          *)
(* requests fail (a failed refresh ends the holder's belief) and, unless   *)
(* `keep`, so does its lock table. Holders that believe they hold a lock   *)
(* of s are not told; they find out when a refresh fails.                  *)
Forget(s, keep) ==
    /\ table' = [table EXCEPT ![s] = IF keep THEN @ ELSE {}]
    /\ queue' = [queue EXCEPT ![s] = [d \in Descriptors |-> <<>>]]
    /\ hold' = [h \in Holders |-> IF Pending(h, s) THEN Idle ELSE hold[h]]

(* A new term, led by s, is chosen. s learns it at once (it proposed it);  *)
(* the others learn it later, and until then the previous leader still     *)
(* believes it leads.                                                      *)
Elect(s) ==
    /\ term < MaxTerm
    /\ term' = term + 1
    /\ leaderOf' = [leaderOf EXCEPT ![term + 1] = s]
    /\ view' = [view EXCEPT ![s] = term + 1]
    /\ Forget(s, KeepTableBug)
    /\ UNCHANGED <<checks, confirmed, used, ctr, res, grants, refreshed, written, answered,
                   immHigh, crashes>>

LearnTerm(s) ==
    /\ view[s] < term
    /\ view' = [view EXCEPT ![s] = term]
    /\ Forget(s, KeepTableBug)
    /\ UNCHANGED <<term, leaderOf, checks, confirmed, used, ctr, res, grants, refreshed, written,
                   answered, immHigh, crashes>>

(* The check counter and the term s knows survive a crash (they are        *)
(* durable in the implementation), so a restarted server's checks still    *)
(* start after every request it received before.                           *)
Crash(s) ==
    /\ crashes < MaxCrashes
    /\ table[s] # {} \/ \E h \in Holders : Pending(h, s)
    /\ crashes' = crashes + 1
    /\ Forget(s, FALSE)
    /\ UNCHANGED <<term, leaderOf, view, checks, confirmed, used, ctr, res, grants, refreshed,
                   written, answered, immHigh>>

(* s starts a leadership check, because a pending request needs one (no    *)
(* check of s started after it arrived has confirmed). One check serves    *)
(* every request that arrived before it started. The check is one step     *)
(* here: it confirms if s leads the current term at that moment; nothing   *)
(* stops a new term being chosen right after, before the grant or refresh  *)
(* it was for.                                                             *)
Check(s) ==
    /\ ActsAsLeader(s)
    /\ checks[s] < MaxChecks
    /\ \E h \in Holders : Pending(h, s) /\ hold[h].after >= confirmed[s]
    /\ checks' = [checks EXCEPT ![s] = @ + 1]
    /\ confirmed' = IF LeadsNow(s) THEN [confirmed EXCEPT ![s] = checks[s] + 1] ELSE confirmed
    /\ UNCHANGED <<term, leaderOf, view, used, ctr, table, queue, hold, res, grants, refreshed,
                   written, answered, immHigh, crashes>>

(* A check started after the request arrived confirmed s as leader.        *)
FreshlyConfirmed(s, h) == confirmed[s] > hold[h].after

-----------------------------------------------------------------------------
(* h asks s, which it believes leads, for the descriptors D: s may have    *)
(* been deposed without knowing it.                                        *)
Request(h, s, D) ==
    /\ hold[h].st = "idle"
    /\ h \notin ImmutableHolders
    /\ ActsAsLeader(s)
    /\ hold' = [hold EXCEPT ![h] = [Idle EXCEPT !.st = "waiting", !.s = s, !.D = D,
                                                !.after = checks[s]]]
    /\ queue' = [queue EXCEPT ![s] = [d \in Descriptors |-> IF d \in D THEN Append(@[d], h)
                                                             ELSE @[d]]]
    /\ UNCHANGED <<term, leaderOf, view, checks, confirmed, used, ctr, table, res, grants,
                   refreshed, written, answered, immHigh, crashes>>

(* h may take d at s: it is first in d's queue (so waiters are served in   *)
(* arrival order) and no lock in s's table holds d.                        *)
Free(s, h, d) ==
    /\ queue[s][d] # <<>>
    /\ Head(queue[s][d]) = h
    /\ \A l \in table[s] : d \notin l.D

Drop(q, h) == SelectSeq(q, LAMBDA x : x # h)

(* s grants h's whole request at once (all or nothing, so two requests     *)
(* for overlapping sets cannot each take part and wait for the rest). The  *)
(* fencing token is the next timestamp of s's term, so it is above every   *)
(* token of an earlier term. The grant is recorded with whether it was     *)
(* valid when made and the highest token of every earlier grant of an      *)
(* overlapping descriptor, so that FencingIncreases checks one grant at a  *)
(* time.                                                                   *)
Grant(s, h) ==
    LET D == hold[h].D
        t == view[s]
        tok == IF FencingCounterBug THEN ctr[s] + 1 ELSE t * Width + used[t] + 1
        g == Len(grants) + 1
        earlier == {grants[i].tok : i \in {i \in 1..Len(grants) : grants[i].D \cap D # {}}}
    IN
    /\ hold[h].st = "waiting"
    /\ hold[h].s = s
    /\ ActsAsLeader(s)
    /\ FreshlyConfirmed(s, h)
    /\ used[t] < Width
    /\ IF PartialAcquireBug THEN \E d \in D : Free(s, h, d) ELSE \A d \in D : Free(s, h, d)
    /\ used' = [used EXCEPT ![t] = @ + 1]
    /\ ctr' = IF FencingCounterBug THEN [ctr EXCEPT ![s] = @ + 1] ELSE ctr
    /\ table' = [table EXCEPT ![s] = @ \cup {Lock(h, D, tok, t, g)}]
    /\ queue' = [queue EXCEPT ![s] = [d \in Descriptors |-> Drop(@[d], h)]]
    /\ grants' = Append(grants, [D |-> D, tok |-> tok, valid |-> LeadsNow(s),
                                 prev |-> Max(earlier \cup {0})])
    /\ hold' = [hold EXCEPT ![h] = [@ EXCEPT !.st = "holding", !.g = g, !.tok = tok,
                                             !.after = 0]]
    /\ UNCHANGED <<term, leaderOf, view, checks, confirmed, res, refreshed, written, answered,
                   immHigh, crashes>>

(* h's lock, as s's table holds it.                                        *)
Mine(h, l) == l.h = h /\ l.g = hold[h].g /\ l.tok = hold[h].tok

Release(h) ==
    /\ hold[h].st \in {"holding", "immutable"}
    /\ table' = [table EXCEPT ![hold[h].s] = {l \in @ : ~Mine(h, l)}]
    /\ hold' = [hold EXCEPT ![h] = Idle]
    /\ UNCHANGED <<term, leaderOf, view, checks, confirmed, used, ctr, queue, res, grants,
                   refreshed, written, answered, immHigh, crashes>>

(* The lease of lock l ran out. Time is not modelled, so this may happen   *)
(* at any moment; the holder is not told and learns it when a refresh      *)
(* fails.                                                                  *)
Expire(s, l) ==
    /\ l \in table[s]
    /\ table' = [table EXCEPT ![s] = @ \ {l}]
    /\ UNCHANGED <<term, leaderOf, view, checks, confirmed, used, ctr, queue, hold, res, grants,
                   refreshed, written, answered, immHigh, crashes>>

(* h asks the server that granted its lock to refresh it (any other        *)
(* server has no record of the lock, so a refresh there would fail). The   *)
(* refresh records what a lock request does, the server's check counter,   *)
(* and for RefreshProvesHeld how many grants had happened when it arrived. *)
Refresh(h) ==
    /\ hold[h].st = "holding"
    /\ hold' = [hold EXCEPT ![h] = [@ EXCEPT !.st = "refreshing",
                                             !.after = checks[hold[h].s],
                                             !.arrival = Len(grants)]]
    /\ UNCHANGED <<term, leaderOf, view, checks, confirmed, used, ctr, table, queue, res, grants,
                   refreshed, written, answered, immHigh, crashes>>

(* The lock is still in s's table, granted under the term s now leads (a   *)
(* server drops its table on learning a newer term, so only KeepTableBug   *)
(* can leave an older one there).                                          *)
StillHeld(h) ==
    \E l \in table[hold[h].s] : Mine(h, l) /\ (KeepTableBug \/ l.term = view[hold[h].s])

RefreshOk(h) ==
    LET s == hold[h].s IN
    /\ hold[h].st = "refreshing"
    /\ ActsAsLeader(s)
    /\ StillHeld(h)
    /\ RefreshWithoutCheckBug \/ FreshlyConfirmed(s, h)
    /\ refreshed' = [D |-> hold[h].D, g |-> hold[h].g, arrival |-> hold[h].arrival]
    /\ hold' = [hold EXCEPT ![h] = [@ EXCEPT !.st = "holding", !.after = 0, !.arrival = 0]]
    /\ UNCHANGED <<term, leaderOf, view, checks, confirmed, used, ctr, table, queue, res, grants,
                   written, answered, immHigh, crashes>>

RefreshFail(h) ==
    /\ hold[h].st = "refreshing"
    /\ ~StillHeld(h)
    /\ hold' = [hold EXCEPT ![h] = Idle]
    /\ UNCHANGED <<term, leaderOf, view, checks, confirmed, used, ctr, table, queue, res, grants,
                   refreshed, written, answered, immHigh, crashes>>

-----------------------------------------------------------------------------
(* h, believing it holds d, reads d's resource with its fencing token: the *)
(* resource refuses tokens below the highest it has seen, and remembers    *)
(* the highest.                                                            *)
Read(h, d) ==
    /\ hold[h].st \in {"holding", "refreshing"}
    /\ d \in hold[h].D \cap Guarded
    /\ hold[h].rd = "none"
    /\ hold[h].tok >= res[d].seen
    /\ res' = [res EXCEPT ![d].seen = hold[h].tok]
    /\ hold' = [hold EXCEPT ![h] = [@ EXCEPT !.rd = "read", !.rdD = {d}, !.rdV = res[d].val]]
    /\ UNCHANGED <<term, leaderOf, view, checks, confirmed, used, ctr, table, queue, grants,
                   refreshed, written, answered, immHigh, crashes>>

(* h writes what it read + 1; the resource accepts it only if the token is *)
(* still not below the highest it has seen. A refused read or write        *)
(* changes nothing that matters here, so neither is a step.                *)
Write(h) ==
    /\ hold[h].st \in {"holding", "refreshing"}
    /\ hold[h].rd = "read"
    /\ \E d \in hold[h].rdD :
          /\ hold[h].tok >= res[d].seen
          /\ res' = [res EXCEPT ![d].val = hold[h].rdV + 1]
          /\ written' = [base |-> hold[h].rdV, prev |-> res[d].val]
    /\ hold' = [hold EXCEPT ![h] = [@ EXCEPT !.rd = "done"]]
    /\ UNCHANGED <<term, leaderOf, view, checks, confirmed, used, ctr, table, queue, grants,
                   refreshed, answered, immHigh, crashes>>

-----------------------------------------------------------------------------
(* h locks a fresh timestamp at s (lockImmutableTimestamp). Taken without  *)
(* a leadership check: a deposed leader's lock is simply not valid.        *)
LockImmutable(h, s) ==
    LET t == view[s]
        ts == t * Width + used[t] + 1
    IN
    /\ hold[h].st = "idle"
    /\ h \in ImmutableHolders
    /\ ActsAsLeader(s)
    /\ used[t] < Width
    /\ used' = [used EXCEPT ![t] = @ + 1]
    /\ table' = [table EXCEPT ![s] = @ \cup {Lock(h, {}, ts, t, 0)}]
    /\ hold' = [hold EXCEPT ![h] = [Idle EXCEPT !.st = "immutable", !.s = s, !.tok = ts]]
    /\ UNCHANGED <<term, leaderOf, view, checks, confirmed, ctr, queue, res, grants, refreshed,
                   written, answered, immHigh, crashes>>

ImmutableIn(locks) == {l.tok : l \in {l \in locks : l.g = 0}}

(* s answers getImmutableTimestamp: the least timestamp locked in its      *)
(* table, or a fresh timestamp when none is. The answer is recorded with   *)
(* the immutable locks valid at that moment (`held`), whether s leads the  *)
(* current term (`current`), and the highest earlier answer of a current   *)
(* leader given while one of those locks was already valid (`prior`).      *)
(* A lock that stops being valid never becomes valid again, so immHigh     *)
(* keeps, for each lock valid now, the highest current answer given since  *)
(* it was taken, and forgets the others.                                   *)
GetImmutable(s) ==
    LET t == view[s]
        mine == ImmutableIn(table[s])
        held == ImmutableIn(ValidLocks)
        val == IF mine # {} THEN Min(mine) ELSE t * Width + used[t] + 1
        prior == Max({p[2] : p \in {p \in immHigh : p[1] \in held}} \cup {0})
        high(x) == Max({p[2] : p \in {p \in immHigh : p[1] = x}} \cup {0})
    IN
    /\ ImmutableHolders # {}
    /\ ActsAsLeader(s)
    /\ mine = {} => used[t] < Width
    /\ used' = IF mine = {} THEN [used EXCEPT ![t] = @ + 1] ELSE used
    /\ answered' = [val |-> val, held |-> held, current |-> LeadsNow(s), prior |-> prior]
    /\ immHigh' = {<<x, IF LeadsNow(s) THEN Max({high(x), val}) ELSE high(x)>> : x \in held}
    /\ UNCHANGED <<term, leaderOf, view, checks, confirmed, ctr, table, queue, hold, res, grants,
                   refreshed, written, crashes>>

-----------------------------------------------------------------------------
Next ==
    \/ \E s \in Servers :
          \/ Elect(s)
          \/ LearnTerm(s)
          \/ Crash(s)
          \/ Check(s)
          \/ GetImmutable(s)
          \/ \E h \in Holders : Grant(s, h)
          \/ \E l \in table[s] : Expire(s, l)
    \/ \E h \in Holders :
          \/ \E s \in Servers, D \in SUBSET Descriptors \ {{}} : Request(h, s, D)
          \/ \E s \in Servers : LockImmutable(h, s)
          \/ Release(h)
          \/ Refresh(h)
          \/ RefreshOk(h)
          \/ RefreshFail(h)
          \/ \E d \in Descriptors : Read(h, d)
          \/ Write(h)

Spec == Init /\ [][Next]_vars

-----------------------------------------------------------------------------
TypeOK ==
    /\ term \in Terms
    /\ leaderOf \in [Terms -> 0..N]
    /\ view \in [Servers -> Terms]
    /\ checks \in [Servers -> 0..MaxChecks]
    /\ confirmed \in [Servers -> 0..MaxChecks]
    /\ used \in [Terms -> 0..Width]
    /\ \A h \in Holders : hold[h].st \in {"idle", "waiting", "holding", "refreshing", "immutable"}
    /\ \A s \in Servers, d \in Descriptors : queue[s][d] \in Seq(Holders)

(* At most one valid lock holds each descriptor.                           *)
MutualExclusion ==
    \A d \in Descriptors : \A l1, l2 \in ValidLocks : d \in l1.D /\ d \in l2.D => l1 = l2

(* The properties below are stated over the latest grant, refresh, write   *)
(* and answer: every one of them is the latest in the state it leads to,   *)
(* so each is checked once, and the state does not grow with a set of all  *)
(* of them.                                                                *)

(* A successful refresh proves that its lock was held without interruption *)
(* from its grant until the refresh arrived: no grant of an overlapping    *)
(* descriptor that was valid when made happened in between. (A deposed     *)
(* leader may still grant in between; such a grant is not valid, and its   *)
(* token is below every token of the current term.)                        *)
RefreshProvesHeld ==
    \A i \in refreshed.g + 1 .. refreshed.arrival :
        grants[i].valid => grants[i].D \cap refreshed.D = {}

(* A grant valid when made has a token above that of every earlier grant   *)
(* of an overlapping descriptor, valid or not.                             *)
FencingIncreases ==
    \A i \in 1..Len(grants) : grants[i].valid => grants[i].tok > grants[i].prev

(* An accepted write is based on the latest accepted value: the value it   *)
(* read is the value the resource held when it accepted the write. (Until  *)
(* the first lost update each accepted write raises the value by one, so a *)
(* write accepted in between shows as prev > base.)                        *)
NoLostUpdate == written.prev = written.base

(* For an answer a of GetImmutable:                                        *)
(*  - a is at most the timestamp of every immutable lock valid when a was  *)
(*    given (all of them were taken before the call, which is atomic);     *)
(*  - if a was given by the leader of the current term, it is at least     *)
(*    every earlier such answer given while a lock still valid at a was    *)
(*    already valid: answers do not go down while such a lock is held.     *)
(* A deposed leader that has not learned it was deposed may answer lower   *)
(* than the current leader did, since its timestamps are from an older     *)
(* block. That is harmless (it stays below every valid lock), so the       *)
(* second clause is about the current leader's answers only.               *)
ImmutableNeverBackwards ==
    /\ \A x \in answered.held : answered.val <= x
    /\ answered.current => answered.val >= answered.prior

Safety ==
    /\ MutualExclusion
    /\ RefreshProvesHeld
    /\ FencingIncreases
    /\ NoLostUpdate
    /\ ImmutableNeverBackwards

-----------------------------------------------------------------------------
(* Liveness with a stable leader (a model whose elections stop, such as    *)
(* MaxTerm = 1, with no crashes). Checks and grants are weakly fair;       *)
(* refreshes are answered; a holder releases eventually, which needs       *)
(* strong fairness because refreshing disables Release now and then.       *)
(* Requests (lock, refresh, immutable), reads, writes, GetImmutable and    *)
(* expiry get no fairness: holders need not ask for anything.              *)
Fairness ==
    /\ \A s \in Servers : WF_vars(Check(s))
    /\ \A s \in Servers, h \in Holders : WF_vars(Grant(s, h))
    /\ \A h \in Holders : WF_vars(RefreshOk(h))
    /\ \A h \in Holders : WF_vars(RefreshFail(h))
    /\ \A h \in Holders : SF_vars(Release(h))

FairSpec == Spec /\ Fairness

(* The model ran out of room for h's request: its server can start no more *)
(* checks, or its term has no timestamp left to hand out.                  *)
OutOfRoom(h) ==
    /\ hold[h].s \in Servers
    /\ \/ checks[hold[h].s] = MaxChecks
       \/ used[view[hold[h].s]] = Width

WaitersGranted ==
    \A h \in Holders : (hold[h].st = "waiting") ~> (hold[h].st = "holding" \/ OutOfRoom(h))
=============================================================================
