"""One controller per resource; each parses wire structs and calls one use case."""
