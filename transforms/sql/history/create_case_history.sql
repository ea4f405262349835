-- case_history: every case ever listed, with the as-of dates it was first and last seen.
create table if not exists case_history (
    list varchar,
    id_number varchar,
    reason varchar,
    key varchar,
    first_seen date,
    last_seen date,
    primary key (list, id_number, reason, key)
)
