"""我为网站找错: reports of wrong information, broken links or accessibility problems on any page."""
