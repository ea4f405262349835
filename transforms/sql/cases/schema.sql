-- The case registry (RULES §8), kept between runs in the warehouse.
-- cases: every case ever raised, with its case_id (list prefix, serial, check digit).
create table if not exists cases (
    case_id varchar primary key,
    list varchar not null,
    case_key varchar not null,      -- RULES §8 key (lists_schema.CASE_KEY), '|'-joined
    serial integer not null,        -- per list, in the order new cases were first raised
    first_as_of date not null,
    unique (list, case_key)
);

-- case_listings: one row per case and as-of date on which the rules raised it.
-- listed false: raised but held off its list by a decision (不属实 unchanged, 已处理 grace).
-- facts: the source records that raise it with the values the rule read (never figures
-- that grow with the as-of date), the items sql/cases/case_rows.sql builds.
create table if not exists case_listings (
    case_id varchar not null,
    as_of date not null,
    listed boolean not null,
    case_status varchar,
    township varchar not null,      -- the township workbook the case goes to
    facts varchar[] not null
);

-- case_decisions: every township answer imported, with its provenance; the history
-- is never rewritten. The answer in force on a run is the latest with an earlier as-of.
create table if not exists case_decisions (
    decision_id bigint not null,    -- import order
    case_id varchar not null,
    list varchar not null,
    answer varchar not null,        -- 属实 不属实 已处理 (list sheets), 是 否 (review sheet)
    note varchar,                   -- 核查说明, as text
    township varchar not null,      -- from the workbook's stamp
    file_name varchar not null,
    file_sha256 varchar not null,
    sheet varchar not null,
    "row" integer not null,         -- the sheet's row number as the township sees it
    decided_as_of date not null,    -- the as-of date of the run that wrote the workbook
    imported_at timestamp not null,
    os_user varchar not null
);

-- run_history: list sizes per run (what transforms/history.py kept before).
create table if not exists run_history (
    as_of date,
    run_at timestamp,
    list varchar,
    "rows" bigint
);
