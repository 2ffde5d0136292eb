-- omscore SQLite schema, version 1.
--
-- Every table carries the tenant, and the tenant is the first column of every primary key and index, so a
-- unit of work bound to one tenant can only ever touch that tenant's rows.

-- Orders: the aggregate as a JSON document (omscore.adapters.records) plus the columns that are looked up.
CREATE TABLE orders (
    tenant    TEXT    NOT NULL,
    id        TEXT    NOT NULL,
    status    TEXT    NOT NULL,
    is_final  INTEGER NOT NULL CHECK (is_final IN (0, 1)),
    merge_key TEXT,
    version   INTEGER NOT NULL CHECK (version >= 1),
    document  TEXT    NOT NULL,
    PRIMARY KEY (tenant, id)
);

CREATE INDEX orders_by_status ON orders (tenant, status, id);

-- Only open orders are merge candidates, so only they are indexed by merge key.
CREATE INDEX orders_by_merge_key ON orders (tenant, merge_key, id) WHERE merge_key IS NOT NULL AND is_final = 0;

-- The intake idempotency index: one order per (platform, shop, external id), the first one created.
CREATE TABLE order_refs (
    tenant      TEXT NOT NULL,
    platform    TEXT NOT NULL,
    shop        TEXT NOT NULL,
    external_id TEXT NOT NULL,
    order_id    TEXT NOT NULL,
    PRIMARY KEY (tenant, platform, shop, external_id),
    FOREIGN KEY (tenant, order_id) REFERENCES orders (tenant, id)
) WITHOUT ROWID;

CREATE TABLE shipments (
    tenant   TEXT    NOT NULL,
    id       TEXT    NOT NULL,
    order_id TEXT    NOT NULL,
    status   TEXT    NOT NULL,
    version  INTEGER NOT NULL CHECK (version >= 1),
    document TEXT    NOT NULL,
    PRIMARY KEY (tenant, id)
);

CREATE INDEX shipments_by_order ON shipments (tenant, order_id, id);

-- Stock per (location, SKU). The CHECK is the no-oversell invariant, enforced by the database itself as a
-- last line of defence; the adapter's guarded UPDATEs never let a statement reach it.
CREATE TABLE stock (
    tenant   TEXT    NOT NULL,
    location TEXT    NOT NULL,
    sku      TEXT    NOT NULL,
    on_hand  INTEGER NOT NULL DEFAULT 0,
    reserved INTEGER NOT NULL DEFAULT 0,
    safety   INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant, location, sku),
    CHECK (reserved >= 0 AND safety >= 0 AND reserved + safety <= on_hand)
) WITHOUT ROWID;

CREATE INDEX stock_by_sku ON stock (tenant, sku, location);

-- The lines each idempotency key holds, numbered within the key. The stock row's reserved counter always
-- equals the sum of the lines on it (both change in the same transaction, every time).
CREATE TABLE reservations (
    tenant   TEXT    NOT NULL,
    key      TEXT    NOT NULL,
    line     INTEGER NOT NULL,
    location TEXT    NOT NULL,
    sku      TEXT    NOT NULL,
    ref      TEXT    NOT NULL,
    quantity INTEGER NOT NULL CHECK (quantity > 0),
    PRIMARY KEY (tenant, key, line),
    FOREIGN KEY (tenant, location, sku) REFERENCES stock (tenant, location, sku)
) WITHOUT ROWID;

-- Configuration values (the catalog, the network) as JSON documents. ``token`` changes on every store, so
-- a process may keep a decoded copy and reuse it while the token is unchanged.
CREATE TABLE documents (
    tenant   TEXT NOT NULL,
    kind     TEXT NOT NULL CHECK (kind IN ('catalog', 'network')),
    token    TEXT NOT NULL,
    document TEXT NOT NULL,
    PRIMARY KEY (tenant, kind)
) WITHOUT ROWID;

-- Domain events written in the same transaction as the change that recorded them. Ids come from the
-- ``outbox`` sequence inside the writing transaction; SQLite has one writer at a time, so ids increase in
-- commit order.
CREATE TABLE outbox (
    tenant    TEXT    NOT NULL,
    id        INTEGER NOT NULL,
    name      TEXT    NOT NULL,
    payload   TEXT    NOT NULL,
    delivered INTEGER NOT NULL DEFAULT 0 CHECK (delivered IN (0, 1)),
    PRIMARY KEY (tenant, id)
);

CREATE INDEX outbox_undelivered ON outbox (tenant, id) WHERE delivered = 0;

-- Named counters: outbox ids and the ids of omscore.adapters.sqlite.SqliteIds.
CREATE TABLE sequences (
    tenant TEXT    NOT NULL,
    name   TEXT    NOT NULL,
    value  INTEGER NOT NULL,
    PRIMARY KEY (tenant, name)
) WITHOUT ROWID;
