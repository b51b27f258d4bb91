{#- The dimensions a municipality may declare in the registry's `ledger.dimensions`. Only
    `object` is required; the SIE reader writes a `<name>_code` column for each declared one.
    Staging always yields all of these, null where the registry names no such dimension, so
    the models downstream never depend on the registry's shape. -#}
{% macro ledger_dimensions() %}
    {{ return(['responsibility', 'activity', 'project', 'object']) }}
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
