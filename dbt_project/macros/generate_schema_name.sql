{# Plain schema names (staging, intermediate, marts) instead of dbt's main_staging, so BI sees marts.* #}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {{ custom_schema_name if custom_schema_name else target.schema }}
{%- endmacro %}
