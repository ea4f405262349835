-- RULES §8: the township answer in force for a run of $as_of, per case: the latest
-- decision dated (by the as-of of the workbook it came back in) before $as_of; of two
-- with the same date, the one imported last. judged_facts: the case's facts as they
-- stood on the decision's date (its listing on that date, else the latest before).
with decision as (
    select d.case_id, d.list, d.answer, d.decided_as_of
    from case_decisions as d
    where d.decided_as_of < $as_of
    qualify row_number() over (
        partition by d.case_id order by d.decided_as_of desc, d.decision_id desc) = 1
),

judged as (
    select d.case_id, l.facts
    from decision as d
    join case_listings as l
        on l.case_id = d.case_id and l.as_of <= d.decided_as_of
    qualify row_number() over (partition by d.case_id order by l.as_of desc) = 1
),

final as (
    select
        d.case_id,
        d.list,
        c.case_key,
        split_part(c.case_key, '|', 1) as id_number,
        split_part(c.case_key, '|', 2) as reason,
        d.answer,
        d.decided_as_of,
        j.facts as judged_facts
    from decision as d
    join cases as c on c.case_id = d.case_id
    left join judged as j on j.case_id = d.case_id
)

select * from final
