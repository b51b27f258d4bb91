{#- The date against which due reports and staleness are judged. Dagster passes it as an
    environment variable, not as a dbt var: a var that changes every night makes dbt parse the
    whole project again every night, while an environment variable re-parses only the models
    that read it. -#}
{% macro as_of_date() -%}
    cast('{{ env_var("UPPFOLJNING_AS_OF_DATE", "2023-06-15") }}' as date)
{%- endmacro %}
