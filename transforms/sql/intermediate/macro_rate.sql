-- num / den to 4 decimals, half up, in exact integer arithmetic (no float); NULL when den <= 0.
create or replace temp macro rl_rate(num, den) as
    case
        when den > 0 then cast(
            cast((cast(num as hugeint) * 20000 + den) // (2 * cast(den as hugeint)) as decimal(38, 0))
            * cast(0.0001 as decimal(5, 4)) as decimal(18, 4))
    end
