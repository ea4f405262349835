-- RULES §2 method 3 (`id_repaired`). An 18-character ID failing its check digit (not
-- precision_lost) is compared with ledger IDs one edit away, found by hash joins
-- rather than all pairs:
--   substitution: IDs that differ in exactly one position k agree on every other
--   position, so on the part outside k's group of positions (1-9, 10-14, 15-18); both
--   sides join on (group, that part), and the pairs differing in exactly one position
--   are kept, with k. (Masking each of the 18 positions instead made 18 strings per
--   ledger row: 26 M on 2 M people, 3.6 of the step's 4.6 CPU seconds.)
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

groups as (
    select * from (values (1), (2), (3)) as t(grp)
),

src_keys as (
    select s.*, g.grp, case g.grp
            when 1 then substr(s.id_number, 10)
            when 2 then substr(s.id_number, 1, 9) || substr(s.id_number, 15)
            else substr(s.id_number, 1, 14)
        end as part
    from src as s cross join groups as g
),

ledger_keys as (
    select l.ledger_rid, l.id_number, l.name, l.name_pinyin, g.grp, case g.grp
            when 1 then substr(l.id_number, 10)
            when 2 then substr(l.id_number, 1, 9) || substr(l.id_number, 15)
            else substr(l.id_number, 1, 14)
        end as part
    from _match_ledger as l cross join groups as g
    where length(l.id_number) = 18
),

one_apart as (
    select sk.*, lk.ledger_rid, lk.id_number as ledger_id_number, lk.name as ledger_name,
        lk.name_pinyin as ledger_pinyin,
        [i for i in range(1, 19)
            if substr(sk.id_number, i, 1) <> substr(lk.id_number, i, 1)] as differ
    from src_keys as sk
    inner join ledger_keys as lk on lk.grp = sk.grp and lk.part = sk.part
),

substituted as (
    select
        src_table, src_rid, name as src_name, name_pinyin as src_pinyin,
        ledger_rid, ledger_id_number, ledger_name, ledger_pinyin,
        '身份证号一位之差（第' || differ[1] || '位）' as id_phrase
    from one_apart
    where len(differ) = 1
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
