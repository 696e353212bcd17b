------------------------------ MODULE Timelock ------------------------------
(***************************************************************************)
(* AtlasDB Timelock: leader election by Paxos, and per-client timestamp   *)
(* bounds agreed by Paxos, composed. Every action is one step the          *)
(* implementation takes: a message handled or a decision made, with        *)
(* parameters naming the server, log, sequence, ballot and client. The     *)
(* implementation's traces name these actions and are replayed against    *)
(* them.                                                                   *)
(*                                                                         *)
(* Faults: messages are lost, duplicated and reordered (the message set    *)
(* only grows and nothing forces delivery); Restart(s) models a crash and  *)
(* restart of s: its volatile state is lost, its acceptor state is kept.   *)
(***************************************************************************)
EXTENDS Locks

CONSTANT MaxCrashes   \* how many crash-restarts a behaviour may contain

VARIABLE crashes      \* how many have happened (bounds the model)

vars == <<acc, msgs, learned, chosen, fresh, tsvc, req, served, returned, locks, lockFloor, crashes>>

Init ==
    /\ PaxosInit
    /\ ElectionInit
    /\ TimestampsInit
    /\ LocksInit
    /\ crashes = 0

(* Whether s holds any lock entry (only a restart that loses something is *)
(* a step).                                                               *)
HasLocks(s) == \E c \in Clients, h \in Holders : locks[s][c][h] # NoLock

(* Crash and restart of s: everything but the acceptor's durable state is *)
(* lost (learned values, timestamp-service instances, lock tables).       *)
Restart(s) ==
    /\ crashes < MaxCrashes
    /\ \/ learned[s] # [L \in Logs |-> [q \in Seqs |-> None]]
       \/ \E c \in Clients : tsvc[s][c] # Off
       \/ HasLocks(s)
    /\ crashes' = crashes + 1
    /\ learned' = [learned EXCEPT ![s] = [L \in Logs |-> [q \in Seqs |-> None]]]
    /\ tsvc' = [tsvc EXCEPT ![s] = [c \in Clients |-> Off]]
    /\ locks' = [locks EXCEPT ![s] = [c \in Clients |-> [h \in Holders |-> NoLock]]]
    /\ UNCHANGED <<acc, msgs, chosen, fresh, req, served, returned, lockFloor>>

(* The layers below frame only their own variables; these frame the rest. *)
PaxosFrame == UNCHANGED <<fresh, tsvc, req, served, returned, locks, lockFloor, crashes>>
ElectionFrame == UNCHANGED <<tsvc, req, served, returned, locks, lockFloor, crashes>>
TimestampsFrame == UNCHANGED <<locks, lockFloor, crashes>>
LocksFrame == UNCHANGED crashes

(* Server s handles message m: as acceptor (prepare, accept, ping), as     *)
(* learner (accepted), or as the proposer of its own leader ballot.        *)
HandleMessage(s, m) ==
    \/ m.type = "prepare" /\ Promise(s, m.log, m.seq, m.bal) /\ PaxosFrame
    \/ m.type = "accept" /\ Accept(s, m.log, m.seq, m.bal, m.val) /\ PaxosFrame
    \/ m.type = "ping" /\ Pong(s, m.from, m.log, m.id) /\ ElectionFrame
    \/ m.type = "accepted" /\ Learn(s, m.log, m.seq, m.val) /\ PaxosFrame
    \/ m.type = "prepare" /\ m.log = LeaderLog /\ SendLeaderAccept(s, m.seq, m.bal) /\ ElectionFrame
    \/ m.type = "prepare" /\ m.log \in Clients /\ SendBoundAccept(s, m.log, m.seq, m.bal) /\ TimestampsFrame

(* Decisions of s's timestamp-service instance for client c.              *)
TimestampStep(s, c) ==
    \/ StartService(s, c)
    \/ Recover(s, c)
    \/ FinishForcing(s, c)
    \/ Extend(s, c)
    \/ \E q \in Seqs, n \in 1..MaxBallot : ProposeBound(s, c, q, n)
    \/ BoundAgreed(s, c)
    \/ \E k \in 1..MaxFresh : Serve(s, c, k)

Next ==
    \/ \E s \in Servers, m \in msgs : HandleMessage(s, m)
    \/ \E s \in Servers :
          \/ \E q \in Seqs, n \in 1..MaxBallot : ProposeLeadership(s, q, n) /\ ElectionFrame
          \/ CheckLeadership(s) /\ LocksFrame
          \/ \E c \in Clients : TimestampStep(s, c) /\ TimestampsFrame
          \/ Restart(s)
    \/ \E c \in Clients :
          \/ \E s \in Servers, n \in 1..MaxBatch : Request(c, s, n) /\ TimestampsFrame
          \/ \E s \in Servers : GiveUp(c, s) /\ TimestampsFrame
    \/ \E s \in Servers, c \in Clients, h \in Holders :
          \/ \E D \in DescriptorTuples : LockRequest(s, c, h, D) /\ LocksFrame
          \/ \E k \in 1..MaxFresh : LockGrant(s, c, h, k) /\ LocksFrame
          \/ LockRefreshRequest(s, c, h) /\ LocksFrame
          \/ \E k \in 1..MaxFresh : LockRefresh(s, c, h, k) /\ LocksFrame
          \/ LockRelease(s, c, h) /\ LocksFrame

Spec == Init /\ [][Next]_vars

-----------------------------------------------------------------------------
TypeOK ==
    /\ fresh \in [Servers -> 0..MaxFresh]
    /\ \A s \in Servers, c \in Clients : tsvc[s][c].phase \in Phases
    /\ \A c \in Clients, s \in Servers : req[c][s].st \in {"idle", "pending"}

(* Every safety property the spec promises, for one INVARIANT line.       *)
Safety ==
    /\ Agreement
    /\ Nontriviality
    /\ AcceptorSanity
    /\ LearnedIsChosen
    /\ UniqueTimestamps
    /\ RealTimeOrder
    /\ WithinAgreedBound
    /\ BoundsIncrease

(* Durable acceptor state never goes backwards: an action property.       *)
DurableMonotone == [][DurableNeverBackwards]_vars

-----------------------------------------------------------------------------
(* Liveness, checked by the engine on the LeaderLive and RequestLive       *)
(* models. Faults stop on their own in every model (crashes are bounded    *)
(* by MaxCrashes), and the fairness below makes messages that stay         *)
(* deliverable be delivered. Then a leader is eventually elected, and a    *)
(* pending request is eventually answered. GiveUp (a timeout or a refusal) *)
(* gets no fairness, so requests are not "answered" by giving up.          *)
Fairness ==
    /\ \A s \in Servers : WF_vars(\E m \in msgs : HandleMessage(s, m))
    /\ \A s \in Servers : WF_vars(CheckLeadership(s) /\ NeedsCheck(s) /\ LocksFrame)
    /\ \A s \in Servers, c \in Clients : WF_vars(TimestampStep(s, c) /\ TimestampsFrame)
    /\ WF_vars(\E s \in Servers, q \in Seqs, n \in 1..MaxBallot : ProposeLeadership(s, q, n) /\ ElectionFrame)

FairSpec == Spec /\ Fairness

EventuallyLeader == <>(\E s \in Servers : LeaderOf(s) = s)

(* A model runs out of room when the server holding c's request has used  *)
(* every fresh number (no new leadership check can start) or every        *)
(* instance of c has used its bounds up to MaxBound: requests cannot be    *)
(* served then, by construction.                                          *)
OutOfRoom(c, s) ==
    \/ fresh[s] = MaxFresh
    \/ \A t \in Servers : tsvc[t][c].counter = tsvc[t][c].limit /\ tsvc[t][c].limit + Step > MaxBound

RequestsAnswered ==
    \A c \in Clients, s \in Servers :
        (req[c][s].st = "pending") ~> (req[c][s].st = "idle" \/ OutOfRoom(c, s))
=============================================================================
