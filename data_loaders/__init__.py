"""Reading and writing the store: the DuckDB schema, imports, exports, audit and every query."""
