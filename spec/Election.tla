------------------------------ MODULE Election ------------------------------
(***************************************************************************)
(* Leader election on the leader log. A server proposes itself at its      *)
(* greatest learned sequence + 1, and only when it does not think it is    *)
(* the leader; how long it backs off first (random in the implementation)  *)
(* is left to nondeterminism here. The leader is the value learned at the  *)
(* greatest learned sequence.                                              *)
(*                                                                         *)
(* A check asks a quorum of acceptors for the latest sequence they have    *)
(* prepared or accepted in a log (ping / pong). The leadership check is    *)
(* such a check on the leader log: a server is confirmed leader by a check *)
(* if its greatest learned value names it and a quorum answered that it   *)
(* has nothing at a later sequence.                                        *)
(*                                                                         *)
(* Each server numbers its checks and timestamp-service instances from its *)
(* own durable counter `fresh[s]`: no counter is shared between servers,   *)
(* as none is in a real cluster. A check of s that started after a request *)
(* arrived at s has a larger number than s's counter at arrival: this is   *)
(* how checks are coalesced safely.                                        *)
(***************************************************************************)
EXTENDS Paxos

CONSTANT MaxFresh   \* how many fresh numbers (checks, instances) each server may use

VARIABLE fresh      \* durable: fresh[s] = the last number server s handed out

ElectionInit == fresh = [s \in Servers |-> 0]

(* The value of the leader log that names s as leader.                    *)
LeaderValue(s) == [leader |-> s]

(* The leader s knows of: the one named at its greatest learned sequence. *)
LeaderOf(s) ==
    IF GreatestLearned(s, LeaderLog) = 0 THEN 0
    ELSE learned[s][LeaderLog][GreatestLearned(s, LeaderLog)].leader

(***************************************************************************)
(* s proposes itself as leader at its greatest learned sequence + 1 with   *)
(* ballot number n (a retry uses a higher n).                              *)
(***************************************************************************)
ProposeLeadership(s, q, n) ==
    /\ LeaderOf(s) # s
    /\ q = GreatestLearned(s, LeaderLog) + 1
    /\ q \in Seqs
    /\ SendPrepare(LeaderLog, q, <<n, s>>)
    /\ UNCHANGED <<acc, learned, chosen, fresh>>

(* s's proposal for itself at (q, b) reached a quorum of promises.        *)
SendLeaderAccept(s, q, b) ==
    /\ b[2] = s
    /\ SendAccept(LeaderLog, q, b, LeaderValue(s))
    /\ UNCHANGED <<acc, learned, chosen, fresh>>

PingMsg(s, L, k) == [type |-> "ping", from |-> s, log |-> L, id |-> k]

(* s starts a check of log L with its next fresh number.                  *)
StartCheck(s, L) ==
    /\ fresh[s] < MaxFresh
    /\ fresh' = [fresh EXCEPT ![s] = @ + 1]
    /\ Send(PingMsg(s, L, fresh[s] + 1))

(* s begins a leadership check because it holds a pending request and     *)
(* believes it is the leader (CheckFor, in Timestamps, says which requests *)
(* need one).                                                              *)
CheckLeadershipIf(s, needed) ==
    /\ LeaderOf(s) = s
    /\ needed
    /\ StartCheck(s, LeaderLog)
    /\ UNCHANGED <<acc, learned, chosen>>

(***************************************************************************)
(* Acceptor a answers check k of s on log L with the latest sequence it    *)
(* has prepared or accepted there.                                         *)
(***************************************************************************)
Pong(a, s, L, k) ==
    /\ PingMsg(s, L, k) \in msgs
    /\ Send([type |-> "pong", to |-> s, log |-> L, id |-> k, from |-> a,
             latest |-> LatestTouched(a, L)])
    /\ UNCHANGED <<acc, learned, chosen, fresh>>

Pongs(s, L, k) == {m \in msgs : m.type = "pong" /\ m.to = s /\ m.log = L /\ m.id = k}

(* Check k confirms that s is the leader.                                 *)
ConfirmedBy(s, k) ==
    /\ LeaderOf(s) = s
    /\ \E Q \in Quorums :
          \A a \in Q : \E m \in Pongs(s, LeaderLog, k) :
              m.from = a /\ m.latest <= GreatestLearned(s, LeaderLog)
=============================================================================
