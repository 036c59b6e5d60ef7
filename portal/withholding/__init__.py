"""The register of withheld spans (区分处理): who marked which span of which text, and why.

The markup itself is parsed and rendered by :mod:`portal.core.withhold`.
"""
