select
    committee_id,
    pattern,
    is_prefix,
    coalesce(prefix, pattern) as code_prefix,
    length(coalesce(prefix, pattern)) as prefix_length
from {{ source('registry', 'registry_committee_codes') }}
