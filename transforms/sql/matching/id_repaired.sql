-- RULES §2 method 3 (`id_repaired`). An 18-character ID failing its check digit (not
-- precision_lost) is compared with ledger IDs one edit away, found by hash joins
-- rather than all pairs:
--   substitution: both sides with position k masked as '_' (k = 1..18) join on (k, key);
--   adjacent swap: the record's ID with positions k, k+1 swapped joins the ledger ID.
-- Candidates whose names agree decide: one -> link, two or more -> review `id_repaired`.
-- Candidates with close or differing names decide nothing (name_dob may still find them).
with src as (
    select src_table, src_rid, id_number, name, name_pinyin
    from _match_src
    where id_status = 'invalid_checksum'
        and regexp_full_match(id_number, '[0-9]{17}[0-9X]')
),

positions as (
    select unnest(range(1, 19)) as k
),

src_masked as (
    select s.*, p.k, substr(s.id_number, 1, p.k - 1) || '_' || substr(s.id_number, p.k + 1) as masked
    from src as s cross join positions as p
),

ledger_masked as (
    select l.ledger_rid, l.id_number, l.name, l.name_pinyin, p.k,
        substr(l.id_number, 1, p.k - 1) || '_' || substr(l.id_number, p.k + 1) as masked
    from _match_ledger as l cross join positions as p
),

substituted as (
    select
        sm.src_table, sm.src_rid, sm.name as src_name, sm.name_pinyin as src_pinyin,
        lm.ledger_rid, lm.id_number as ledger_id_number, lm.name as ledger_name,
        lm.name_pinyin as ledger_pinyin,
        '身份证号一位之差（第' || sm.k || '位）' as id_phrase
    from src_masked as sm
    inner join ledger_masked as lm on lm.k = sm.k and lm.masked = sm.masked
),

swaps as (
    select s.*, p.k,
        substr(s.id_number, 1, p.k - 1) || substr(s.id_number, p.k + 1, 1)
            || substr(s.id_number, p.k, 1) || substr(s.id_number, p.k + 2) as swapped
    from src as s cross join positions as p
    where p.k <= 17 and substr(s.id_number, p.k, 1) <> substr(s.id_number, p.k + 1, 1)
),

swapped as (
    select
        sw.src_table, sw.src_rid, sw.name as src_name, sw.name_pinyin as src_pinyin,
        l.ledger_rid, l.id_number as ledger_id_number, l.name as ledger_name,
        l.name_pinyin as ledger_pinyin,
        '身份证号相邻两位颠倒（第' || sw.k || '、' || (sw.k + 1) || '位）' as id_phrase
    from swaps as sw
    inner join _match_ledger as l on l.id_number = sw.swapped
),

candidates as (
    select * from substituted
    union all
    select * from swapped
),

agreeing as (
    select *, count(*) over (partition by src_table, src_rid) as n
    from candidates
    where match_name_class(src_name, ledger_name, src_pinyin, ledger_pinyin) = 'agree'
),

final as (
    select
        src_table,
        src_rid,
        ledger_rid,
        ledger_id_number,
        'id_repaired' as method,
        if(n = 1, 'link', 'review') as outcome,
        if(n = 1, null, 'id_repaired') as reason,
        round($score_id_repaired / n, 4) as score,
        id_phrase || '，姓名一致'
            || if(n = 1, '', '；符合条件的台账人员共' || n || '人，需人工确认') as evidence
    from agreeing
)

select * from final
