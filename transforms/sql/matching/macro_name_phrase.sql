-- The Chinese evidence phrase for a name class, with both names where they differ
-- (department's name first, then the ledger's).
create or replace temp macro match_name_phrase(cls, a, b) as
    case cls
        when 'agree' then '姓名一致'
        when 'homophone' then '姓名同音（' || a || '/' || b || '）'
        when 'wildcard' then '姓名含生僻字占位符（' || a || '/' || b || '）'
        when 'one_char' then '姓名一字之差（' || a || '/' || b || '）'
        else '姓名不同（' || coalesce(a, '空') || '/' || coalesce(b, '空') || '）'
    end
