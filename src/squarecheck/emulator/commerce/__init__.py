"""The commerce domain: Catalog and Orders, the parts a group's discount needs (Locations, which
orders name, is a domain of its own: `emulator.locations`).

The model: `gates` (what the table and faults decide for one request), `store` (catalog and
order storage over `db/commerce`), `catalog*` (writes, ids, queries, checks), `fields`
(unrecognized fields), `order_parse`, `order_build` and `order_render` (an order request priced
and shown), `order_update` (UpdateOrder's merge), the `pricing` engine.
The handlers, above the `call` frame: `catalog_handlers`, `order_handlers`.
"""
