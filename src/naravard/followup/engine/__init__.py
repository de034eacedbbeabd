"""The engine: computes every indicator over a lake (DuckDB or Spark), rolls the cells up and refreshes changed periods."""
