"""Service guides (办事指南): categories, guides, fees, versions."""
