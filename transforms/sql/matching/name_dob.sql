-- RULES §2 method 4 (`name_dob`) for records whose ID is missing, invalid or damaged
-- and not decided by id_repaired. Block on the effective birth date (and sex where
-- both are known); candidates are ledger participants whose names agree or are close.
-- Exactly one candidate and the names agree -> link; otherwise one review row per
-- candidate (`fuzzy_match`), score = weight x name similarity / number of candidates.
with src as (
    select s.*
    from _match_src as s
    where s.id_status not in ('valid', 'converted_15')
        and s.dob is not null
        and not exists (
            select 1 from _match_dec_repaired as d
            where d.src_table = s.src_table and d.src_rid = s.src_rid)
),

candidates as (
    select
        s.src_table,
        s.src_rid,
        s.id_status,
        s.dob,
        s.name as src_name,
        l.ledger_rid,
        l.id_number as ledger_id_number,
        l.name as ledger_name,
        match_name_class(s.name, l.name, s.name_pinyin, l.name_pinyin) as cls,
        match_name_similarity(s.name, l.name, s.name_pinyin, l.name_pinyin) as sim
    from src as s
    inner join _match_ledger_dob as d on d.dob = s.dob
    inner join _match_ledger as l on l.ledger_rid = d.ledger_rid
    where s.sex is null or l.sex is null or s.sex = l.sex
),

kept as (
    select *, count(*) over (partition by src_table, src_rid) as n
    from candidates
    where cls <> 'differ'
),

final as (
    select
        src_table,
        src_rid,
        ledger_rid,
        ledger_id_number,
        'name_dob' as method,
        if(n = 1 and cls = 'agree', 'link', 'review') as outcome,
        if(n = 1 and cls = 'agree', null, 'fuzzy_match') as reason,
        round($score_name_dob * sim / n, 4) as score,
        match_id_status_phrase(id_status) || '，出生日期一致（' || strftime(dob, '%Y-%m-%d')
            || '），' || match_name_phrase(cls, src_name, ledger_name)
            || if(n = 1, '', '；同出生日期候选' || n || '人') as evidence
    from kept
)

select * from final
