"""Static figures drawn from result tables (no model internals)."""
