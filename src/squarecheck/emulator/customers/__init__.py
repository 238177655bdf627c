"""The customer domain: customer groups, profiles, membership and search.

The model: `gates` (what the table and faults decide for one request), `store` (state and one
method per operation over `db/`), `profile` (a profile's fields in and out), `search_query` (a
SearchCustomers body to a query). The handlers, above the `call` frame: `group_handlers`
(groups and membership) and `profile_handlers` (profiles, listing and search).
"""
