-- RULES.md §2: how two normalised names compare.
-- agree: equal. close: equal toneless pinyin (homophone), a `?`/`*` in one standing for
-- a character of the other (same length, every other position equal), or one differing
-- character in names of three or more characters. Anything else: differ.
create or replace temp macro match_name_class(a, b, pa, pb) as
    case
        when a is null or b is null then 'differ'
        when a = b then 'agree'
        when pa is not null and pa = pb then 'homophone'
        when length(a) = length(b)
            and regexp_matches(a || b, '[?*]')
            and regexp_matches(a, '[^?*]') and regexp_matches(b, '[^?*]')
            and list_bool_and([
                substr(a, i, 1) = substr(b, i, 1)
                or substr(a, i, 1) in ('?', '*')
                or substr(b, i, 1) in ('?', '*')
                for i in range(1, length(a) + 1)])
            then 'wildcard'
        when length(a) = length(b) and length(a) >= 3 and levenshtein(a, b) = 1
            then 'one_char'
        else 'differ'
    end
