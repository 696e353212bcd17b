------------------------------- MODULE Paxos -------------------------------
(***************************************************************************)
(* Multi-instance Paxos, as Timelock runs it: every server is proposer,    *)
(* acceptor and learner; a log is a sequence of independent single-decree  *)
(* instances keyed by a sequence number; there is one log for the cluster  *)
(* leader and one per client for its timestamp bound.                      *)
(*                                                                         *)
(* This module holds what every log shares: ballots, the acceptors'        *)
(* durable state, the message set, the acceptor steps (promise, accept),   *)
(* the proposer's choice of value, and learning. The layers above decide   *)
(* when a server proposes and what it proposes.                            *)
(*                                                                         *)
(* Messages are never removed from `msgs`, so a message can be delivered   *)
(* late, more than once, or never: loss, duplication and reordering.       *)
(*                                                                         *)
(* Every value a log holds is a record (the layers above define them), so  *)
(* that any two values TLC may compare, in a set of messages or an         *)
(* equality, are comparable whatever order TLC gives record fields.        *)
(***************************************************************************)
EXTENDS Naturals, FiniteSets

CONSTANTS
    N,              \* number of servers; servers are 1..N
    Clients,        \* clients, each with its own timestamp-bound log
    MaxSeq,         \* sequence numbers of every log are 1..MaxSeq
    MaxBallot,      \* ballot numbers are 1..MaxBallot
    None,           \* a model value: "no value" (comparable with anything)
    AcceptWithoutStateBug  \* TRUE: an acceptor with no state for a sequence
                           \* records only the promise of an accept (a bug)

Servers == 1..N
LeaderLog == "leader"
Logs == {LeaderLog} \cup Clients
Seqs == 1..MaxSeq
Quorums == {Q \in SUBSET Servers : 2 * Cardinality(Q) > N}

(* A ballot is <<number, proposer id>>, ordered by number, then id. The   *)
(* proposer id of the leader log is the server; that of a bound log is    *)
(* the identity of a timestamp-service instance.                          *)
NoBallot == <<0, 0>>
BallotLess(b, c) == b[1] < c[1] \/ (b[1] = c[1] /\ b[2] < c[2])
BallotLeq(b, c) == b = c \/ BallotLess(b, c)

VARIABLES
    acc,      \* durable: acc[a][L][q] = [prom, bal, val] of acceptor a
    msgs,     \* every message ever sent
    learned,  \* volatile: learned[s][L][q] = value s learned, or None
    chosen    \* history: <<L, q, v>> for every value chosen so far

EmptyAcceptor == [prom |-> NoBallot, bal |-> NoBallot, val |-> None]

PaxosInit ==
    /\ acc = [a \in Servers |-> [L \in Logs |-> [q \in Seqs |-> EmptyAcceptor]]]
    /\ msgs = {}
    /\ learned = [s \in Servers |-> [L \in Logs |-> [q \in Seqs |-> None]]]
    /\ chosen = {}

Send(m) == msgs' = msgs \cup {m}

PrepareMsg(L, q, b) == [type |-> "prepare", log |-> L, seq |-> q, bal |-> b]
AcceptMsg(L, q, b, v) == [type |-> "accept", log |-> L, seq |-> q, bal |-> b, val |-> v]
AcceptedMsg(L, q, b, a, v) ==
    [type |-> "accepted", log |-> L, seq |-> q, bal |-> b, from |-> a, val |-> v]

(* In the message set ms, a quorum accepted v for (L, q) at ballot b.     *)
QuorumAccepted(ms, L, q, b, v) ==
    \E Q \in Quorums : \A a \in Q : AcceptedMsg(L, q, b, a, v) \in ms

(* The sequences at which s has learned a value in log L.                 *)
LearnedSeqs(s, L) == {q \in Seqs : learned[s][L][q] # None}

(* The greatest sequence s has learned in log L (0 if none).              *)
GreatestLearned(s, L) ==
    LET done == LearnedSeqs(s, L)
    IN  IF done = {} THEN 0 ELSE CHOOSE q \in done : \A r \in done : r <= q

(* The greatest sequence acceptor a has promised or accepted in log L.    *)
LatestTouched(a, L) ==
    LET touched == {q \in Seqs : acc[a][L][q].prom # NoBallot}
    IN  IF touched = {} THEN 0 ELSE CHOOSE q \in touched : \A r \in touched : r <= q

(***************************************************************************)
(* Proposer: send a prepare with a ballot never used before for (L, q).    *)
(***************************************************************************)
SendPrepare(L, q, b) ==
    /\ PrepareMsg(L, q, b) \notin msgs
    /\ Send(PrepareMsg(L, q, b))

(***************************************************************************)
(* Acceptor a handles a prepare: promise if the ballot is higher than any  *)
(* it promised for (L, q), reporting what it accepted. Persist, then reply.*)
(***************************************************************************)
Promise(a, L, q, b) ==
    /\ PrepareMsg(L, q, b) \in msgs
    /\ BallotLess(acc[a][L][q].prom, b)
    /\ acc' = [acc EXCEPT ![a][L][q].prom = b]
    /\ Send([type |-> "promise", log |-> L, seq |-> q, bal |-> b, from |-> a,
             accBal |-> acc[a][L][q].bal, accVal |-> acc[a][L][q].val])
    /\ UNCHANGED <<learned, chosen>>

Promises(L, q, b) == {m \in msgs : m.type = "promise" /\ m.log = L /\ m.seq = q /\ m.bal = b}

(* The value a proposer must propose after the promises `ps` of a quorum: *)
(* the value of the highest ballot accepted among them, else its own.     *)
ValueFor(ps, own) ==
    LET voted == {m \in ps : m.accBal # NoBallot}
    IN  IF voted = {} THEN own
        ELSE (CHOOSE m \in voted : \A o \in voted : BallotLeq(o.accBal, m.accBal)).accVal

(***************************************************************************)
(* Proposer: with promises from a quorum, send accept for the value the    *)
(* promises force (or its own), once per ballot.                           *)
(***************************************************************************)
SendAccept(L, q, b, own) ==
    /\ ~\E m \in msgs : m.type = "accept" /\ m.log = L /\ m.seq = q /\ m.bal = b
    /\ \E Q \in Quorums :
          LET ps == {m \in Promises(L, q, b) : m.from \in Q}
          IN  /\ \A a \in Q : \E m \in ps : m.from = a
              /\ Send(AcceptMsg(L, q, b, ValueFor(ps, own)))

(***************************************************************************)
(* Acceptor a handles an accept: accept unless it promised a higher ballot.*)
(* With the bug, an acceptor that holds no state for (L, q) records only   *)
(* the promise, yet acknowledges as if it had stored the value. If its     *)
(* acknowledgement completes a quorum, v is chosen from now on.            *)
(***************************************************************************)
Accept(a, L, q, b, v) ==
    /\ AcceptMsg(L, q, b, v) \in msgs
    /\ BallotLeq(acc[a][L][q].prom, b)
    /\ acc' = IF AcceptWithoutStateBug /\ acc[a][L][q].prom = NoBallot
                THEN [acc EXCEPT ![a][L][q].prom = b]
                ELSE [acc EXCEPT ![a][L][q] = [prom |-> b, bal |-> b, val |-> v]]
    /\ Send(AcceptedMsg(L, q, b, a, v))
    /\ chosen' = IF QuorumAccepted(msgs', L, q, b, v) THEN chosen \cup {<<L, q, v>>} ELSE chosen
    /\ UNCHANGED learned

(* v is chosen for (L, q): a quorum accepted it at one ballot.            *)
ChosenAt(L, q, b, v) == QuorumAccepted(msgs, L, q, b, v)

AcceptedMsgs(L, q) == {m \in msgs : m.type = "accepted" /\ m.log = L /\ m.seq = q}

Chosen(L, q, v) == \E m \in AcceptedMsgs(L, q) : m.val = v /\ ChosenAt(L, q, m.bal, v)

(***************************************************************************)
(* Learner s learns v for (L, q) from a quorum of acceptances at one       *)
(* ballot. This is also how a server that restarted catches up.            *)
(***************************************************************************)
Learn(s, L, q, v) ==
    /\ learned[s][L][q] = None
    /\ Chosen(L, q, v)
    /\ learned' = [learned EXCEPT ![s][L][q] = v]
    /\ UNCHANGED <<acc, msgs, chosen>>

-----------------------------------------------------------------------------
(* Safety of the Paxos core.                                              *)
(*                                                                         *)
(* `chosen` is a history variable: each acceptance that completes a       *)
(* quorum records its value, so `chosen` always equals what the messages   *)
(* say was chosen (SafetyReference.tla states that from `msgs` and the     *)
(* models SafetyForms* check both agree in every state). The invariants    *)
(* are stated over it because trace validation checks them on runs of     *)
(* millions of events: their cost follows what was chosen, not every      *)
(* message ever sent.                                                      *)

(* Per log and sequence, at most one value is chosen: no two chosen       *)
(* triples share a log and a sequence.                                    *)
Agreement == Cardinality({<<t[1], t[2]>> : t \in chosen}) = Cardinality(chosen)

(* What proposers proposed: <<L, q, v>> for every accept sent. Over a set  *)
(* that only grows and conditions that read one message, an engine can    *)
(* keep it up to date as messages are added.                              *)
Proposed == {<<m.log, m.seq, m.val>> : m \in {m \in msgs : m.type = "accept"}}

(* A chosen value was proposed: an accept for it was sent.                *)
Nontriviality == chosen \subseteq Proposed

(* An acceptor never accepted above what it promised.                     *)
AcceptorSanity ==
    \A a \in Servers, L \in Logs, q \in Seqs : BallotLeq(acc[a][L][q].bal, acc[a][L][q].prom)

(* Learners learn only chosen values.                                     *)
LearnedIsChosen ==
    \A s \in Servers, L \in Logs :
        \A q \in LearnedSeqs(s, L) : <<L, q, learned[s][L][q]>> \in chosen

(* Durable state never goes backwards (an action property).               *)
DurableNeverBackwards ==
    \A a \in Servers, L \in Logs, q \in Seqs :
        /\ BallotLeq(acc[a][L][q].prom, acc'[a][L][q].prom)
        /\ BallotLeq(acc[a][L][q].bal, acc'[a][L][q].bal)
=============================================================================
