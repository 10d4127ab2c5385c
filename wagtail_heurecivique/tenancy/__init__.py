"""A commune as a tenant of the page layer: its home and pages, groups, collections, provisioning."""
