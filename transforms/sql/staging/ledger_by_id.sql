-- The ledger participant with each ID: the whole row of the _rid ledger_choice.sql
-- chose. Every stage that reads "the participant with this ID" reads this view.
select *
from stg_participants
where _rid in (select _rid from ledger_choice)
