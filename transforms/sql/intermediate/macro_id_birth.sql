-- Birth date of a normalised 18-character ID (digits 7-14); NULL when they are no date.
create or replace temp macro rl_id_birth(idn) as
    cast(try_strptime(substr(idn, 7, 8), '%Y%m%d') as date)
