"""Live co-editing: the shared document of each map, its transport and its durable log."""
