"""Read models: msgspec structs the screens read, built by query ports in one round trip."""
