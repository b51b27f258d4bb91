{#- The dimensions a municipality may declare in the registry's `ledger.dimensions`. Only
    `object` is required; the SIE reader writes a `<name>_code` column for each declared one.
    Staging always yields all of these, null where the registry names no such dimension, so
    the models downstream never depend on the registry's shape. -#}
{% macro ledger_dimensions() %}
    {{ return(['responsibility', 'activity', 'project', 'object', 'counterpart']) }}
{% endmacro %}

{#- The other dimensions the registry declares (free dimensions, under the municipality's own
    names): the reader's `<name>_code` columns that are none of ledger_dimensions(). -#}
{% macro free_dimension_names(relation) %}
    {%- if not execute -%}
        {{ return([]) }}
    {%- endif -%}
    {%- set names = [] -%}
    {%- for column in adapter.get_columns_in_relation(relation) -%}
        {%- set name = column.name | lower -%}
        {%- if name.endswith('_code') and name[:-5] not in ledger_dimensions() -%}
            {%- do names.append(name[:-5]) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(names | sort) }}
{% endmacro %}

{#- One MAP(VARCHAR, VARCHAR) column for every free dimension: its keys are the declared names,
    each with the line's code (null where the line has none); null when none is declared. The
    column set stays the same whatever the registry declares. -#}
{% macro free_dimensions(relation, alias=none) %}
    {%- set prefix = (alias ~ '.') if alias else '' -%}
    {%- set names = free_dimension_names(relation) -%}
    {%- if names -%}
        map([{%- for n in names -%}'{{ n }}'{{ ', ' if not loop.last }}{%- endfor -%}],
            [{%- for n in names -%}{{ prefix ~ n }}_code{{ ', ' if not loop.last }}{%- endfor -%}])
    {%- else -%}
        cast(null as map(varchar, varchar))
    {%- endif -%}
{% endmacro %}

{#- `<alias>.<column>` when the relation has that column, else a typed null. At parse time
    (no database yet) the column is assumed, which dbt only uses for the graph. -#}
{% macro column_or_null(relation, column, alias=none, type='varchar') %}
    {%- set prefix = (alias ~ '.') if alias else '' -%}
    {%- if not execute -%}
        {{ prefix ~ column }}
    {%- else -%}
        {%- set names = adapter.get_columns_in_relation(relation) | map(attribute='name')
                        | map('lower') | list -%}
        {%- if column in names -%}
            {{ prefix ~ column }}
        {%- else -%}
            cast(null as {{ type }})
        {%- endif -%}
    {%- endif -%}
{% endmacro %}

{% macro dimension_code(relation, name, alias=none) %}
    {{- column_or_null(relation, name ~ '_code', alias) -}}
{% endmacro %}
