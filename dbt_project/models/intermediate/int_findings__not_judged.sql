-- Rules that need a dimension the registry does not declare, said as findings rather than
-- left silently empty (docs/raw-contract.md, "What is optional"):
-- - without a project dimension, lines on the mandate project with an object code the
--   registry does not know cannot be told from the rest of the ledger;
-- - without a responsibility dimension, an initiative run by several committees has all its
--   lines on its owner, so its split between the committees cannot be judged.
with settings as (
    select * from {{ ref('stg_registry__ledger_settings') }}
)

select
    'rule_not_judged' as check_name,
    'warning' as severity,
    'project_dimension' as subject,
    cast(null as varchar) as period,
    'Styrmodellen anger ingen projektdimension: rader på uppdragsprojektet med objektkoder '
        || 'som styrmodellen inte känner kan inte skiljas från resten av huvudboken '
        || '(se ledger_object_code_unknown för koder som ingen känner)' as detail,
    cast(null as decimal(18, 2)) as amount_sek,
    cast(null as varchar) as source_file,
    'ledger.dimensions' as source_place
from settings
where not has_project_dimension
    and exists (select 1 from {{ ref('stg_registry__mandate_projects') }})

union all
select
    'rule_not_judged', 'warning', 'responsibility_dimension/' || f.initiative_id, null,
    'Satsningen ' || f.initiative_id || ' drivs av flera nämnder men styrmodellen anger '
        || 'ingen ansvarsdimension: alla dess rader förs till ägaren ' || f.committee_id
        || ', och fördelningen mellan nämnderna kan inte bedömas',
    cast(null as decimal(18, 2)), cast(null as varchar), 'ledger.dimensions'
from {{ ref('int_initiatives__fallback_committee') }} as f
cross join settings as s
where not s.has_responsibility_dimension and f.is_shared
