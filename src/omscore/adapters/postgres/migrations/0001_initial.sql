-- omscore schema, version 1.
--
-- Key columns use the "C" collation: they compare and sort by code point, as Python's sorted() does, on any
-- database whatever its default collation, which makes the lock order the same for every worker.
--
-- Every table carries the tenant as the first column of its primary key and of every unique index, and
-- every statement of the adapter filters on it: nothing of one tenant is reachable through another's.
-- Stock changes never read-modify-write: single rows change by a guarded relative UPDATE, several rows are
-- first locked with SELECT ... ORDER BY location, sku FOR UPDATE (the fixed lock order) and then changed.

CREATE TABLE omscore.orders (
    tenant       text COLLATE "C" NOT NULL,
    id           text COLLATE "C" NOT NULL,
    version      integer          NOT NULL CHECK (version >= 1),
    status       text COLLATE "C" NOT NULL,
    merge_key    text COLLATE "C",
    is_final     boolean          NOT NULL,
    document     jsonb            NOT NULL,
    PRIMARY KEY (tenant, id)
);
CREATE INDEX orders_by_status ON omscore.orders (tenant, status, id);
CREATE INDEX orders_by_merge_key ON omscore.orders (tenant, merge_key, id)
    WHERE merge_key IS NOT NULL AND NOT is_final;

-- The intake idempotency index: a platform order reference points at the order first created for it.
CREATE TABLE omscore.order_refs (
    tenant       text COLLATE "C" NOT NULL,
    platform     text COLLATE "C" NOT NULL,
    shop         text COLLATE "C" NOT NULL,
    external_id  text COLLATE "C" NOT NULL,
    order_id     text COLLATE "C" NOT NULL,
    PRIMARY KEY (tenant, platform, shop, external_id)
);

CREATE TABLE omscore.shipments (
    tenant       text COLLATE "C" NOT NULL,
    id           text COLLATE "C" NOT NULL,
    order_id     text COLLATE "C" NOT NULL,
    version      integer          NOT NULL CHECK (version >= 1),
    document     jsonb            NOT NULL,
    PRIMARY KEY (tenant, id)
);
CREATE INDEX shipments_by_order ON omscore.shipments (tenant, order_id, id);

-- Catalog and network: one validated document each per tenant.
CREATE TABLE omscore.documents (
    tenant       text COLLATE "C" NOT NULL,
    name         text COLLATE "C" NOT NULL,
    document     jsonb            NOT NULL,
    PRIMARY KEY (tenant, name)
);

-- Stock per (location, SKU). The last CHECK is invariant 1 (no oversell) enforced by the database itself.
CREATE TABLE omscore.stock (
    tenant       text COLLATE "C" NOT NULL,
    location     text COLLATE "C" NOT NULL,
    sku          text COLLATE "C" NOT NULL,
    on_hand      bigint           NOT NULL DEFAULT 0 CHECK (on_hand >= 0),
    reserved     bigint           NOT NULL DEFAULT 0 CHECK (reserved >= 0),
    safety       bigint           NOT NULL DEFAULT 0 CHECK (safety >= 0),
    PRIMARY KEY (tenant, location, sku),
    CONSTRAINT stock_not_oversold CHECK (on_hand - reserved - safety >= 0)
);
CREATE INDEX stock_by_sku ON omscore.stock (tenant, sku, location);

-- One row per reservation key ever used: the row every operation on the key locks first, so that two
-- workers reserving, releasing or consuming the same key take turns.
CREATE TABLE omscore.reservations (
    tenant       text COLLATE "C" NOT NULL,
    key          text COLLATE "C" NOT NULL,
    PRIMARY KEY (tenant, key)
);

CREATE TABLE omscore.reservation_lines (
    tenant       text COLLATE "C" NOT NULL,
    key          text COLLATE "C" NOT NULL,
    location     text COLLATE "C" NOT NULL,
    sku          text COLLATE "C" NOT NULL,
    ref          text COLLATE "C" NOT NULL,
    quantity     bigint           NOT NULL CHECK (quantity > 0),
    PRIMARY KEY (tenant, key, location, sku, ref)
);

-- The transactional outbox. Ids come from a sequence, so a row may commit after a row with a higher id;
-- the relay therefore reads every undelivered row (through the partial index) instead of an id cursor.
CREATE TABLE omscore.outbox (
    tenant       text COLLATE "C" NOT NULL,
    id           bigserial        NOT NULL,
    name         text COLLATE "C" NOT NULL,
    payload      jsonb            NOT NULL,
    created_at   timestamptz      NOT NULL DEFAULT now(),
    delivered_at timestamptz,
    PRIMARY KEY (tenant, id)
);
CREATE INDEX outbox_undelivered ON omscore.outbox (tenant, id) WHERE delivered_at IS NULL;

-- Ids shared by every process that uses the database.
CREATE SEQUENCE omscore.ids;

-- reserve: every line under p_key, or nothing.
-- Returns one row ('repeated' | 'reserved', NULLs...) or one 'short' row per (location, SKU) that fell short.
CREATE FUNCTION omscore.reserve(
    p_tenant text, p_key text, p_locations text[], p_skus text[], p_quantities bigint[], p_refs text[]
) RETURNS TABLE (outcome text, location text, sku text, requested bigint, available bigint)
LANGUAGE plpgsql AS $$
DECLARE
    v_claimed    boolean          ;
    v_locations  text[];
    v_skus       text[];
    v_quantities bigint           [];
    v_keys       integer          ;
    v_changed    integer          ;
BEGIN
    -- Claim the key, or lock the existing claim: one worker at a time per key.
    INSERT INTO omscore.reservations AS r (tenant, key) VALUES (p_tenant, p_key) ON CONFLICT DO NOTHING;
    v_claimed := FOUND;
    IF NOT v_claimed THEN
        PERFORM 1 FROM omscore.reservations r WHERE r.tenant = p_tenant AND r.key = p_key FOR UPDATE;
        PERFORM 1 FROM omscore.reservation_lines l WHERE l.tenant = p_tenant AND l.key = p_key;
        IF FOUND THEN
            RETURN QUERY SELECT 'repeated'::text, NULL::text, NULL::text, NULL::bigint, NULL::bigint;
            RETURN;
        END IF;
    END IF;

    -- The demand per (location, SKU), in the fixed lock order.
    SELECT array_agg(g.location ORDER BY g.location COLLATE "C", g.sku COLLATE "C"),
           array_agg(g.sku ORDER BY g.location COLLATE "C", g.sku COLLATE "C"),
           array_agg(g.quantity ORDER BY g.location COLLATE "C", g.sku COLLATE "C")
        INTO v_locations, v_skus, v_quantities
        FROM (SELECT d.location, d.sku, sum(d.quantity)::bigint AS quantity
              FROM unnest(p_locations, p_skus, p_quantities) AS d (location, sku, quantity)
              GROUP BY d.location, d.sku) AS g;
    v_keys := cardinality(v_locations);

    IF v_keys = 1 THEN
        -- One row: the guarded relative UPDATE is the lock and the check in one step.
        UPDATE omscore.stock s SET reserved = s.reserved + v_quantities[1]
            WHERE s.tenant = p_tenant AND s.location = v_locations[1] AND s.sku = v_skus[1]
              AND s.on_hand - s.reserved - s.safety >= v_quantities[1];
        GET DIAGNOSTICS v_changed = ROW_COUNT;
    ELSE
        -- Several rows: lock them in the fixed (location, SKU) order, then check all before changing any.
        PERFORM 1 FROM omscore.stock s
            WHERE s.tenant = p_tenant AND (s.location, s.sku) IN (SELECT * FROM unnest(v_locations, v_skus))
            ORDER BY s.location COLLATE "C", s.sku COLLATE "C"
            FOR UPDATE OF s;
        PERFORM 1 FROM unnest(v_locations, v_skus, v_quantities) AS d (location, sku, quantity)
            LEFT JOIN omscore.stock s ON s.tenant = p_tenant AND s.location = d.location AND s.sku = d.sku
            WHERE coalesce(s.on_hand - s.reserved - s.safety, 0) < d.quantity;
        IF FOUND THEN
            v_changed := 0;
        ELSE
            UPDATE omscore.stock s SET reserved = s.reserved + d.quantity
                FROM unnest(v_locations, v_skus, v_quantities) AS d (location, sku, quantity)
                WHERE s.tenant = p_tenant AND s.location = d.location AND s.sku = d.sku
                  AND s.on_hand - s.reserved - s.safety >= d.quantity;
            GET DIAGNOSTICS v_changed = ROW_COUNT;
            IF v_changed <> v_keys THEN
                RAISE EXCEPTION 'omscore.reserve: % of % locked rows changed', v_changed, v_keys
                    USING ERRCODE = 'XX000';
            END IF;
        END IF;
    END IF;

    IF v_changed = v_keys THEN
        INSERT INTO omscore.reservation_lines (tenant, key, location, sku, ref, quantity)
            SELECT p_tenant, p_key, d.location, d.sku, d.ref, sum(d.quantity)
            FROM unnest(p_locations, p_skus, p_quantities, p_refs) AS d (location, sku, quantity, ref)
            GROUP BY d.location, d.sku, d.ref;
        RETURN QUERY SELECT 'reserved'::text, NULL::text, NULL::text, NULL::bigint, NULL::bigint;
        RETURN;
    END IF;

    IF v_claimed THEN
        DELETE FROM omscore.reservations r WHERE r.tenant = p_tenant AND r.key = p_key;
    END IF;
    RETURN QUERY
        SELECT 'short'::text, d.location, d.sku, d.quantity, coalesce(s.on_hand - s.reserved - s.safety, 0)
        FROM unnest(v_locations, v_skus, v_quantities) AS d (location, sku, quantity)
        LEFT JOIN omscore.stock s ON s.tenant = p_tenant AND s.location = d.location AND s.sku = d.sku
        WHERE coalesce(s.on_hand - s.reserved - s.safety, 0) < d.quantity
        ORDER BY d.location COLLATE "C", d.sku COLLATE "C";
END;
$$;

-- reserve_one: reserve() for a single line, with scalar arguments and one result row (the common case and
-- the hot path). outcome is 'repeated', 'reserved' or 'short'; available is set when short.
CREATE FUNCTION omscore.reserve_one(
    p_tenant text, p_key text, p_location text, p_sku text, p_quantity bigint, p_ref text,
    OUT outcome text, OUT available bigint
)
LANGUAGE plpgsql AS $$
DECLARE
    v_claimed boolean;
BEGIN
    INSERT INTO omscore.reservations AS r (tenant, key) VALUES (p_tenant, p_key) ON CONFLICT DO NOTHING;
    v_claimed := FOUND;
    IF NOT v_claimed THEN
        PERFORM 1 FROM omscore.reservations r WHERE r.tenant = p_tenant AND r.key = p_key FOR UPDATE;
        PERFORM 1 FROM omscore.reservation_lines l WHERE l.tenant = p_tenant AND l.key = p_key;
        IF FOUND THEN
            outcome := 'repeated';
            RETURN;
        END IF;
    END IF;
    -- One row: the guarded relative UPDATE is the lock and the check in one step.
    UPDATE omscore.stock s SET reserved = s.reserved + p_quantity
        WHERE s.tenant = p_tenant AND s.location = p_location AND s.sku = p_sku
          AND s.on_hand - s.reserved - s.safety >= p_quantity;
    IF FOUND THEN
        INSERT INTO omscore.reservation_lines (tenant, key, location, sku, ref, quantity)
            VALUES (p_tenant, p_key, p_location, p_sku, p_ref, p_quantity);
        outcome := 'reserved';
        RETURN;
    END IF;
    IF v_claimed THEN
        DELETE FROM omscore.reservations r WHERE r.tenant = p_tenant AND r.key = p_key;
    END IF;
    outcome := 'short';
    available := coalesce(
        (SELECT s.on_hand - s.reserved - s.safety FROM omscore.stock s
         WHERE s.tenant = p_tenant AND s.location = p_location AND s.sku = p_sku), 0);
END;
$$;

-- release / consume: take the lines of p_key (only those of p_ref when given) off the stock rows, which
-- are locked in the fixed order first. p_consume also takes the units off on hand (they were shipped).
-- Returns the units released or consumed; 0 when there was nothing (a repeat).
CREATE FUNCTION omscore.settle(p_tenant text, p_key text, p_ref text, p_consume boolean)
RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    v_units      bigint           ;
BEGIN
    PERFORM 1 FROM omscore.reservations r WHERE r.tenant = p_tenant AND r.key = p_key FOR UPDATE;
    IF NOT FOUND THEN
        RETURN 0;
    END IF;
    PERFORM 1 FROM omscore.stock s
        WHERE s.tenant = p_tenant AND (s.location, s.sku) IN (
            SELECT l.location, l.sku FROM omscore.reservation_lines l
            WHERE l.tenant = p_tenant AND l.key = p_key AND (p_ref IS NULL OR l.ref = p_ref))
        ORDER BY s.location COLLATE "C", s.sku COLLATE "C"
        FOR UPDATE OF s;
    WITH gone AS (
        DELETE FROM omscore.reservation_lines l
        WHERE l.tenant = p_tenant AND l.key = p_key AND (p_ref IS NULL OR l.ref = p_ref)
        RETURNING l.location, l.sku, l.quantity
    ), per_key AS (
        SELECT g.location, g.sku, sum(g.quantity) AS quantity FROM gone g GROUP BY g.location, g.sku
    ), changed AS (
        UPDATE omscore.stock s
        SET reserved = s.reserved - k.quantity,
            on_hand = s.on_hand - CASE WHEN p_consume THEN k.quantity ELSE 0 END
        FROM per_key k
        WHERE s.tenant = p_tenant AND s.location = k.location AND s.sku = k.sku
        RETURNING k.quantity
    )
    SELECT coalesce(sum(c.quantity), 0) INTO v_units FROM changed c;
    RETURN v_units;
END;
$$;
