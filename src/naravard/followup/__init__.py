"""Follow-up, the read side: an event lake of Parquet files, indicators defined once in Ibis and run on
DuckDB or Spark, and a results dataset read by dashboards, the API and reports."""
