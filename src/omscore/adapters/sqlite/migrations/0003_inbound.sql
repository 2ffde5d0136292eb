-- omscore SQLite schema, version 3: expected stock (预计到货): purchase orders and ASNs, and promises on them.
--
-- A receipt row counts the units promised from it; the count changes only by guarded relative statements
-- (promised = promised + n WHERE promised + n <= quantity), in the same transaction as the promise rows it
-- counts, so it always equals their sum. An arrived receipt keeps its row (arrived = 1) and holds no promises.

CREATE TABLE inbound_receipts (
    tenant      TEXT    NOT NULL,
    id          TEXT    NOT NULL,
    location    TEXT    NOT NULL,
    sku         TEXT    NOT NULL,
    kind        TEXT    NOT NULL CHECK (kind IN ('po', 'asn')),
    quantity    INTEGER NOT NULL CHECK (quantity > 0),
    expected_on TEXT    NOT NULL,  -- ISO date, YYYY-MM-DD (sorts as the dates do)
    promised    INTEGER NOT NULL DEFAULT 0,
    arrived     INTEGER NOT NULL DEFAULT 0 CHECK (arrived IN (0, 1)),
    -- Never more promised than expected, and nothing promised from a receipt that arrived.
    CHECK (promised >= 0 AND promised <= CASE WHEN arrived = 1 THEN 0 ELSE quantity END),
    PRIMARY KEY (tenant, id)
) WITHOUT ROWID;

-- The open receipts of a (location, SKU), in the order they are due.
CREATE INDEX inbound_receipts_open ON inbound_receipts (tenant, location, sku, expected_on, id) WHERE arrived = 0;

-- One promise per (order, receipt): the idempotency key of a promise.
CREATE TABLE inbound_promises (
    tenant     TEXT    NOT NULL,
    order_key  TEXT    NOT NULL,
    receipt_id TEXT    NOT NULL,
    units      INTEGER NOT NULL CHECK (units > 0),
    PRIMARY KEY (tenant, order_key, receipt_id),
    FOREIGN KEY (tenant, receipt_id) REFERENCES inbound_receipts (tenant, id)
) WITHOUT ROWID;

-- The promises made from a receipt (its arrival ends them all).
CREATE INDEX inbound_promises_by_receipt ON inbound_promises (tenant, receipt_id, order_key);
