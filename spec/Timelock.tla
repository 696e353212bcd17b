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
EXTENDS Timestamps

vars == <<acc, msgs, learned, fresh, tsvc, req, served>>

Init ==
    /\ PaxosInit
    /\ ElectionInit
    /\ TimestampsInit

(* Crash and restart of s: everything but the acceptor's durable state is *)
(* lost (learned values, timestamp-service instances).                    *)
Restart(s) ==
    /\ \/ learned[s] # [L \in Logs |-> [q \in Seqs |-> None]]
       \/ \E c \in Clients : tsvc[s][c] # Off
    /\ learned' = [learned EXCEPT ![s] = [L \in Logs |-> [q \in Seqs |-> None]]]
    /\ tsvc' = [tsvc EXCEPT ![s] = [c \in Clients |-> Off]]
    /\ UNCHANGED <<acc, msgs, fresh, req, served>>

(* The layers below frame only their own variables; these frame the rest. *)
PaxosFrame == UNCHANGED <<fresh, tsvc, req, served>>
ElectionFrame == UNCHANGED <<tsvc, req, served>>

(* Acceptor steps, over every log: handle a prepare, an accept, a ping.   *)
AcceptorStep(a) ==
    \/ \E m \in msgs :
          /\ m.type = "prepare"
          /\ Promise(a, m.log, m.seq, m.bal)
          /\ PaxosFrame
    \/ \E m \in msgs :
          /\ m.type = "accept"
          /\ Accept(a, m.log, m.seq, m.bal, m.val)
          /\ PaxosFrame
    \/ \E m \in msgs :
          /\ m.type = "ping"
          /\ Pong(a, m.from, m.log, m.id)
          /\ ElectionFrame

LearnerStep(s) ==
    \E m \in msgs :
        /\ m.type = "accepted"
        /\ Learn(s, m.log, m.seq, m.val)
        /\ PaxosFrame

ProposerStep(s) ==
    \/ \E q \in Seqs, n \in 1..MaxBallot :
          ProposeLeadership(s, q, n) /\ ElectionFrame
    \/ \E m \in msgs :
          /\ m.type = "prepare" /\ m.log = LeaderLog
          /\ SendLeaderAccept(s, m.seq, m.bal)
          /\ ElectionFrame
    \/ CheckLeadership(s) /\ ElectionFrame
    \/ \E c \in Clients :
          \/ StartService(s, c)
          \/ Recover(s, c)
          \/ FinishForcing(s, c)
          \/ Extend(s, c)
          \/ \E q \in Seqs, n \in 1..MaxBallot : ProposeBound(s, c, q, n)
          \/ \E m \in msgs :
                /\ m.type = "prepare" /\ m.log = c
                /\ SendBoundAccept(s, c, m.seq, m.bal)
          \/ BoundAgreed(s, c)
          \/ \E k \in 1..MaxFresh : Serve(s, c, k)

ClientStep(c) ==
    \/ \E s \in Servers : Request(c, s)
    \/ GiveUp(c)

Next ==
    \/ \E s \in Servers : AcceptorStep(s) \/ LearnerStep(s) \/ ProposerStep(s) \/ Restart(s)
    \/ \E c \in Clients : ClientStep(c)

Spec == Init /\ [][Next]_vars

-----------------------------------------------------------------------------
TypeOK ==
    /\ fresh \in 0..MaxFresh
    /\ \A s \in Servers, c \in Clients : tsvc[s][c].phase \in Phases
    /\ \A c \in Clients : req[c].st \in {"idle", "pending"}

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
=============================================================================
