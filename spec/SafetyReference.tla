--------------------------- MODULE SafetyReference ---------------------------
(***************************************************************************)
(* The safety properties of Paxos.tla and Timestamps.tla in their textbook *)
(* form: what was chosen is read off the messages, and the properties      *)
(* quantify over pairs of messages and pairs of responses. The spec states *)
(* them over the history variables `chosen` and `returned` and over one    *)
(* response at a time, which trace validation can afford on long runs.     *)
(* FormsAgree holds when the history variables are what the messages and   *)
(* responses say, and each pair of forms says the same of a state.         *)
(* Checked by models/SafetyForms*.cfg.                                     *)
(***************************************************************************)
EXTENDS Timelock

(* What the messages say was chosen: a quorum accepted it at one ballot.  *)
ChosenByMessages ==
    {<<m.log, m.seq, m.val>> :
        m \in {m \in msgs : m.type = "accepted" /\ ChosenAt(m.log, m.seq, m.bal, m.val)}}

(* The greatest timestamp the responses returned to c (0 if none).        *)
GreatestServed(c) ==
    LET lasts == {r.last : r \in {r \in served : r.client = c}}
    IN  IF lasts = {} THEN 0 ELSE CHOOSE t \in lasts : \A u \in lasts : u <= t

HistoryIsFaithful ==
    /\ chosen = ChosenByMessages
    /\ \A c \in Clients : returned[c] = GreatestServed(c)

AgreementByPairs ==
    \A L \in Logs, q \in Seqs :
        \A m1, m2 \in AcceptedMsgs(L, q) :
            (ChosenAt(L, q, m1.bal, m1.val) /\ ChosenAt(L, q, m2.bal, m2.val)) => m1.val = m2.val

NontrivialityByPairs ==
    \A L \in Logs, q \in Seqs :
        \A m \in AcceptedMsgs(L, q) :
            ChosenAt(L, q, m.bal, m.val) =>
                \E p \in msgs : p.type = "accept" /\ p.log = L /\ p.seq = q /\ p.val = m.val

LearnedIsChosenByPairs ==
    \A s \in Servers, L \in Logs, q \in Seqs :
        learned[s][L][q] # None => Chosen(L, q, learned[s][L][q])

UniqueTimestampsByPairs ==
    \A r1, r2 \in served :
        (r1.client = r2.client /\ r1 # r2) => (r1.last < r2.first \/ r2.last < r1.first)

WithinAgreedBoundByPairs ==
    \A r \in served : \E q \in Seqs : \E m \in AcceptedMsgs(r.client, q) :
        ChosenAt(r.client, q, m.bal, m.val) /\ r.last <= m.val.bound

BoundsIncreaseByPairs ==
    \A c \in Clients, q1, q2 \in Seqs :
        q1 < q2 =>
            \A m1 \in AcceptedMsgs(c, q1), m2 \in AcceptedMsgs(c, q2) :
                (ChosenAt(c, q1, m1.bal, m1.val) /\ ChosenAt(c, q2, m2.bal, m2.val))
                    => m1.val.bound <= m2.val.bound

FormsAgree ==
    /\ HistoryIsFaithful
    /\ Agreement <=> AgreementByPairs
    /\ Nontriviality <=> NontrivialityByPairs
    /\ LearnedIsChosen <=> LearnedIsChosenByPairs
    /\ UniqueTimestamps <=> UniqueTimestampsByPairs
    /\ WithinAgreedBound <=> WithinAgreedBoundByPairs
    /\ BoundsIncrease <=> BoundsIncreaseByPairs
=============================================================================
