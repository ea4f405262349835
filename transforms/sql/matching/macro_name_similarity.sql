-- A name similarity in [0, 1] used to rank review candidates: 1 for equal names,
-- otherwise the better of the character Jaro-Winkler and a slightly discounted
-- Jaro-Winkler of the toneless pinyin (so homophones rank high but below equal names).
create or replace temp macro match_name_similarity(a, b, pa, pb) as
    case
        when a is null or b is null then 0.0
        when a = b then 1.0
        else round(greatest(
            jaro_winkler_similarity(a, b),
            coalesce(0.95 * jaro_winkler_similarity(pa, pb), 0.0)), 4)
    end
