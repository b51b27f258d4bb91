-- The Swedish words (and colours) for every code the indicator marts use: assessment, goal
-- status, trend, peer band, reason, direction and source. From the seed indicator_labels.
select kind, code, label, nullif(colour, '') as colour, sort_order
from {{ ref('indicator_labels') }}
