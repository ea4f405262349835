-- CONTRACT §1 / RULES §1: resident ID numbers set-wise, the SQL twin of
-- transforms/normalise/id.py (normalise_id, the reference; tests/transforms/normalise/
-- test_normalise_sql.py checks they agree on generated inputs).
--
-- id_sql_domain(raw): the raw text holds only characters whose NFKC form this file
-- knows (ASCII digits, x/X, e/E, '.', '+', '=', spaces, tabs, newlines, quotes and
-- their full-width forms). Any other value goes to the Python reference (per
-- distinct value): those are the few damaged ones.
create or replace temp macro id_sql_domain(raw) as
    raw is null or regexp_full_match(raw, '[0-9xXeE=.+ \t\n\r''"`‘’“”０-９ｘＸｅＥ＝．＋　]*');

-- NFKC of the domain, spaces/quotes dropped, upper-cased, leading '=' gone (="62...").
create or replace temp macro id_sql_clean(raw) as
    ltrim(upper(regexp_replace(
        -- translate() is slow: only a value with a non-ASCII byte needs it
        case when strlen(coalesce(raw, '')) = length(coalesce(raw, '')) then coalesce(raw, '')
             else translate(raw, '０１２３４５６７８９ｘＸｅＥ＝．＋', '0123456789xXeE=.+') end,
        '[ \t\n\r''"`‘’“”　]+', '', 'g')), '=');

-- Digits 7-14 as a date, NULL when they are none.
create or replace temp macro id_birth_date(v) as
    case when regexp_full_match(substr(v, 7, 8), '[0-9]{8}') and substr(v, 7, 4) <> '0000'
         then try_strptime(substr(v, 7, 8), '%Y%m%d')::date end;

-- The ISO 7064 MOD 11-2 check character of the first 17 digits of t.
-- The digits are read from the 17-digit prefix as one BIGINT (vectorised integer
-- arithmetic; 17 substrings per row cost ten times more).
create or replace temp macro id_check_weighted(x) as
    (x // 10000000000000000 % 10) * 7 + (x // 1000000000000000 % 10) * 9 + (x // 100000000000000 % 10) * 10 + (x // 10000000000000 % 10) * 5 + (x // 1000000000000 % 10) * 8 + (x // 100000000000 % 10) * 4 + (x // 10000000000 % 10) * 2 + (x // 1000000000 % 10) * 1 + (x // 100000000 % 10) * 6 + (x // 10000000 % 10) * 3 + (x // 1000000 % 10) * 7 + (x // 100000 % 10) * 9 + (x // 10000 % 10) * 10 + (x // 1000 % 10) * 5 + (x // 100 % 10) * 8 + (x // 10 % 10) * 4 + (x // 1 % 10) * 2;
create or replace temp macro id_check_of(prefix17) as
    substr('10X98765432', (id_check_weighted(prefix17) % 11)::integer + 1, 1);
create or replace temp macro id_check_char(t) as id_check_of(substr(t, 1, 17)::bigint);
-- Digits 7-14 of an ID known to hold 18 digits (or 17 and X) as a date.
create or replace temp macro id_birth_date18(t) as
    case when substr(t, 7, 4) <> '0000' then try_strptime(substr(t, 7, 8), '%Y%m%d')::date end;

create or replace temp macro id_convert15(t) as
    (substr(t, 1, 6) || '19' || substr(t, 7)) || id_check_char(substr(t, 1, 6) || '19' || substr(t, 7));

-- Scientific notation as Excel shows it (15 significant digits) as digits, or NULL.
create or replace temp macro id_sci_mantissa(t) as
    left(regexp_extract(t, '^([0-9])(?:\.([0-9]+))?E\+?([0-9]{1,3})$', 1)
         || regexp_extract(t, '^([0-9])(?:\.([0-9]+))?E\+?([0-9]{1,3})$', 2), 15);
create or replace temp macro id_sci_exponent(t) as
    try_cast(regexp_extract(t, '^([0-9])(?:\.([0-9]+))?E\+?([0-9]{1,3})$', 3) as integer);
create or replace temp macro id_sci_digits(t) as
    case when regexp_full_match(t, '[0-9](?:\.[0-9]+)?E\+?[0-9]{1,3}')
              and id_sci_exponent(t) + 1 >= length(id_sci_mantissa(t))
              and id_sci_exponent(t) <= 17
         then id_sci_mantissa(t) || repeat('0', id_sci_exponent(t) + 1 - length(id_sci_mantissa(t)))
    end;

