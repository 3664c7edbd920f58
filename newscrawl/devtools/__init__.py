"""Local tools for the demo and the tests: the site server, the demo site, fixture cases."""
