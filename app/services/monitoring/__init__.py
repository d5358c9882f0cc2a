"""Production monitoring (issue #19): quality metrics, drift against a reference window, alerts, registry."""
