--------------------------- MODULE SafetyReference ---------------------------
(***************************************************************************)
(* The safety properties of Paxos.tla and Timestamps.tla in their textbook *)
(* form: quantifiers over pairs of messages, per log and sequence. The     *)
(* spec states them over sets built in one pass over the messages, which   *)
(* trace validation can afford after every event; FormsAgree holds when    *)
(* each pair says the same of a state. Checked by models/SafetyForms*.cfg. *)
(***************************************************************************)
EXTENDS Timelock

(* NontrivialityByPairs comes first on purpose: TLC orders record fields *)
(* by when their names were first read, and the root module is read       *)
(* first. Naming `log` before `val` keeps messages of the leader log       *)
(* (integer values) and of client logs (record values) comparable.        *)
NontrivialityByPairs ==
    \A L \in Logs, q \in Seqs :
        \A m \in AcceptedMsgs(L, q) :
            \E p \in msgs : p.type = "accept" /\ p.log = L /\ p.seq = q /\ p.val = m.val

AgreementByPairs ==
    \A L \in Logs, q \in Seqs :
        \A m1, m2 \in AcceptedMsgs(L, q) :
            (ChosenAt(L, q, m1.bal, m1.val) /\ ChosenAt(L, q, m2.bal, m2.val)) => m1.val = m2.val

LearnedIsChosenByPairs ==
    \A s \in Servers, L \in Logs, q \in Seqs :
        learned[s][L][q] # None => Chosen(L, q, learned[s][L][q])

UniqueTimestampsByPairs ==
    \A r1, r2 \in served : (r1.client = r2.client /\ r1.ts = r2.ts) => r1 = r2

WithinAgreedBoundByPairs ==
    \A r \in served : \E q \in Seqs : \E m \in AcceptedMsgs(r.client, q) :
        ChosenAt(r.client, q, m.bal, m.val) /\ r.ts <= m.val.bound

BoundsIncreaseByPairs ==
    \A c \in Clients, q1, q2 \in Seqs :
        q1 < q2 =>
            \A m1 \in AcceptedMsgs(c, q1), m2 \in AcceptedMsgs(c, q2) :
                (ChosenAt(c, q1, m1.bal, m1.val) /\ ChosenAt(c, q2, m2.bal, m2.val))
                    => m1.val.bound <= m2.val.bound

FormsAgree ==
    /\ Agreement <=> AgreementByPairs
    /\ Nontriviality <=> NontrivialityByPairs
    /\ LearnedIsChosen <=> LearnedIsChosenByPairs
    /\ UniqueTimestamps <=> UniqueTimestampsByPairs
    /\ WithinAgreedBound <=> WithinAgreedBoundByPairs
    /\ BoundsIncrease <=> BoundsIncreaseByPairs
=============================================================================
