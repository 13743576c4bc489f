"""Pure polars measures: LazyFrame in, LazyFrame out; no printing, no file access."""
