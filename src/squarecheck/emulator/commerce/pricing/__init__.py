"""Square's pricing of an order, as one engine over plain values (no catalog, no HTTP).

`engine.price` runs the steps in Square's documented order, each a function a reader can match
to its evidence: `gross` (line totals and modifiers), `automatic` (rules in effect by
`eligibility` and `periods`, match sets by `matching`, the best rule per item), `phases`
(item %, order %, item fixed, order fixed: compounding, the ORDER-scope split, caps, rounding
by `money`), `taxes` (after discounts). `model` holds what goes in and comes out; the table's
choices and the injected faults arrive in it as `Choices` and `Bugs` (from `commerce.gates`).
"""
