----------------------------- MODULE MCTimelock -----------------------------
(* Model values for the Timelock spec's models. *)
EXTENDS Timelock
=============================================================================
