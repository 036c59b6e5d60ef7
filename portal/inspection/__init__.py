"""自查: the site checks itself as the national inspection of government websites would."""
