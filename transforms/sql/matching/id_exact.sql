-- RULES §2 methods 1-2 (`id`, `id15`) with the guard: the ID equals a ledger ID; the
-- link stands when the names agree or are close, otherwise the pair goes to review
-- as `id_name_mismatch`. Score of a link: method weight x name similarity; of a
-- mismatch: the name similarity.
with src as (
    select * from _match_src where id_status in ('valid', 'converted_15')
),

pairs as (
    select
        s.src_table,
        s.src_rid,
        s.id_status,
        s.name as src_name,
        l.ledger_rid,
        l.id_number as ledger_id_number,
        l.name as ledger_name,
        match_name_class(s.name, l.name, s.name_pinyin, l.name_pinyin) as cls,
        match_name_similarity(s.name, l.name, s.name_pinyin, l.name_pinyin) as sim
    from src as s
    inner join _match_ledger as l on l.id_number = s.id_number
),

final as (
    select
        src_table,
        src_rid,
        ledger_rid,
        ledger_id_number,
        if(id_status = 'valid', 'id', 'id15') as method,
        if(cls = 'differ', 'review', 'link') as outcome,
        if(cls = 'differ', 'id_name_mismatch', null) as reason,
        round(if(cls = 'differ', sim,
                 if(id_status = 'valid', $score_id, $score_id15) * sim), 4) as score,
        if(id_status = 'valid', '身份证号一致', '15位身份证号转换后一致')
            || '，' || match_name_phrase(cls, src_name, ledger_name) as evidence
    from pairs
)

select * from final
