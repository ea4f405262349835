-- Money for an evidence line: 300.00 -> '300元', 12.50 -> '12.50元', NULL -> '—'.
create or replace temp macro rl_yuan(x) as
    case
        when x is null then '—'
        when x = trunc(x) then cast(cast(x as hugeint) as varchar) || '元'
        else cast(x as varchar) || '元'
    end
