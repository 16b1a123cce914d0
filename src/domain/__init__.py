"""Pure domain model of fieldcrm: aggregates, value objects and their invariants (stdlib only)."""
