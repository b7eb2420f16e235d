"""The REST API, one module per resource; `create_app` includes each router explicitly."""
