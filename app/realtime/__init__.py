"""Live sessions over WebSockets: messages, broker, hub and endpoint."""
