-- The municipality among its comparable municipalities, per Kolada indicator and year, in the
-- style of Kolada's Jämföraren:
--   peer set:   the indicator's own, else the registry's default; its members are the listed
--               codes and the members of its Kolada group (recorded group answer); the
--               municipality itself is never its own peer;
--   peer_count: peers with a value that year (a null value with a status mark is no value);
--   peer_median: the median of those values;
--   peer_rank:  1 + the number of peers with a better value (direction-aware; ties share a
--               rank), among peers_compared = peer_count + 1 municipalities;
--   peer_band:  top when the rank is within the best quarter (rank <= n/4), bottom within the
--               worst quarter (rank > 3n/4), middle otherwise; missing when the municipality
--               has no value or no peer has one.
with indicators as (
    select
        i.indicator_id,
        i.kolada_kpi,
        coalesce(i.region, (select max(code)
                            from {{ source('registry', 'registry_municipality') }})) as own_code,
        coalesce(s.peer_set_id, d.peer_set_id) as peer_set_id
    from {{ ref('stg_registry__indicators') }} as i
    left join {{ ref('stg_registry__indicator_settings') }} as s using (indicator_id)
    left join (select max(peer_set_id) as peer_set_id
               from {{ ref('stg_registry__peer_sets') }} where is_default) as d on true
    where i.source_kind = 'kolada'
),

members as (
    select peer_set_id, municipality from {{ ref('stg_registry__peer_set_members') }}
    union
    select p.peer_set_id, g.municipality
    from {{ ref('stg_registry__peer_sets') }} as p
    inner join {{ ref('stg_survey__kolada_group_members') }} as g on g.group_id = p.kolada_group
),

own as (
    select y.indicator_id, y.year, y.outcome, y.higher_is_better
    from {{ ref('int_indicators__yearly') }} as y
    inner join {{ ref('stg_registry__areas') }} as a using (area_id)
    where a.is_whole_municipality
),

peer_values as (
    select i.indicator_id, k.year, k.municipality, max(k.value) as value
    from indicators as i
    inner join members as m using (peer_set_id)
    inner join {{ ref('stg_survey__kolada_values') }} as k
        on k.kpi = i.kolada_kpi and k.municipality = m.municipality and k.gender = 'T'
    where m.municipality <> i.own_code
    group by all
),

compared as (
    select
        i.indicator_id,
        o.year,
        i.peer_set_id,
        o.outcome,
        cast(count(p.value) as integer) as peer_count,
        median(p.value) as peer_median,
        count(p.value) filter (where (o.higher_is_better and p.value > o.outcome)
                                  or (not o.higher_is_better and p.value < o.outcome))
            as better_peers
    from indicators as i
    inner join own as o using (indicator_id)
    left join peer_values as p on p.indicator_id = i.indicator_id and p.year = o.year
    where i.peer_set_id is not null
    group by i.indicator_id, o.year, i.peer_set_id, o.outcome
)

select
    indicator_id,
    year,
    peer_set_id,
    peer_count,
    peer_median,
    case when outcome is not null and peer_count > 0
        then cast(better_peers + 1 as integer) end as peer_rank,
    case when outcome is not null and peer_count > 0
        then peer_count + 1 end as peers_compared,
    case
        when outcome is null or peer_count = 0 then 'missing'
        when better_peers + 1 <= (peer_count + 1) / 4.0 then 'top'
        when better_peers + 1 > 3 * (peer_count + 1) / 4.0 then 'bottom'
        else 'middle'
    end as peer_band
from compared
