"""Loading the site's content from ``content/`` and the demo data ``portal init --demo`` creates."""
