"""The public home page and site-wide pages."""
