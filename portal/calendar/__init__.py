"""The official working-day calendar: the package's holidays plus administrator overrides."""
