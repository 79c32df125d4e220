"""Chapter-specific rules, one module per chapter notebook that needs more than the shared phrase rules."""
