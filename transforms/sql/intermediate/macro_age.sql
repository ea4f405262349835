-- Completed years of someone born on `birth` at date `d` (the birthday itself counts).
create or replace temp macro rl_age(birth, d) as
    year(d) - year(birth)
    - case
        when month(d) < month(birth) or (month(d) = month(birth) and day(d) < day(birth)) then 1
        else 0
    end
