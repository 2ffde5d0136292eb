-- omscore schema, version 3: expected stock (预计到货): purchase orders and ASNs, and promises on them.
--
-- A receipt row counts the units promised from it. The count changes only by a guarded relative update
-- (promised = promised + n WHERE promised + n <= quantity), which at READ COMMITTED locks the row and re-checks
-- the guard against its newest version; never read-modify-write. Every change locks the receipt row before
-- the promise rows on it (a release locks its receipts in id order), so changes do not deadlock each other,
-- and the count always equals the sum of the promises. An arrived receipt keeps its row and holds no promises.

CREATE TABLE omscore.inbound_receipts (
    tenant       text COLLATE "C" NOT NULL,
    id           text COLLATE "C" NOT NULL,
    location     text COLLATE "C" NOT NULL,
    sku          text COLLATE "C" NOT NULL,
    kind         text             NOT NULL CHECK (kind IN ('po', 'asn')),
    quantity     bigint           NOT NULL CHECK (quantity > 0),
    expected_on  date             NOT NULL,
    promised     bigint           NOT NULL DEFAULT 0,
    arrived      boolean          NOT NULL DEFAULT false,
    -- Never more promised than expected, and nothing promised from a receipt that arrived.
    CHECK (promised >= 0 AND promised <= CASE WHEN arrived THEN 0 ELSE quantity END),
    PRIMARY KEY (tenant, id)
);
-- The open receipts of a (location, SKU), in the order they are due.
CREATE INDEX inbound_receipts_open ON omscore.inbound_receipts (tenant, location, sku, expected_on, id)
    WHERE NOT arrived;

-- One promise per (order, receipt): the idempotency key of a promise.
CREATE TABLE omscore.inbound_promises (
    tenant       text COLLATE "C" NOT NULL,
    order_key    text COLLATE "C" NOT NULL,
    receipt_id   text COLLATE "C" NOT NULL,
    units        bigint           NOT NULL CHECK (units > 0),
    PRIMARY KEY (tenant, order_key, receipt_id)
);
CREATE INDEX inbound_promises_by_receipt ON omscore.inbound_promises (tenant, receipt_id, order_key);

-- promise_inbound: promise p_units of an open receipt to an order if the receipt's promised units stay within
-- its quantity, all or nothing. Returns 'promised', 'repeated' (the order holds a promise on the receipt
-- already; nothing changed) or 'refused' (unknown, arrived or too short; nothing changed).
CREATE FUNCTION omscore.promise_inbound(p_tenant text, p_order_key text, p_receipt text, p_units bigint)
RETURNS text
LANGUAGE plpgsql AS $$
BEGIN
    -- The receipt first: a worker promising from it meanwhile waits here, then re-checks the guard against
    -- the newest count.
    UPDATE omscore.inbound_receipts r SET promised = r.promised + p_units
        WHERE r.tenant = p_tenant AND r.id = p_receipt AND NOT r.arrived AND r.promised + p_units <= r.quantity
          AND NOT EXISTS (
              SELECT 1 FROM omscore.inbound_promises p
              WHERE p.tenant = p_tenant AND p.order_key = p_order_key AND p.receipt_id = p_receipt);
    IF NOT FOUND THEN
        PERFORM 1 FROM omscore.inbound_promises p
            WHERE p.tenant = p_tenant AND p.order_key = p_order_key AND p.receipt_id = p_receipt;
        RETURN CASE WHEN FOUND THEN 'repeated' ELSE 'refused' END;
    END IF;
    INSERT INTO omscore.inbound_promises (tenant, order_key, receipt_id, units)
        VALUES (p_tenant, p_order_key, p_receipt, p_units)
        ON CONFLICT DO NOTHING;
    IF NOT FOUND THEN
        -- The same promise committed by another worker while this one waited for the receipt: a repeat.
        UPDATE omscore.inbound_receipts r SET promised = r.promised - p_units
            WHERE r.tenant = p_tenant AND r.id = p_receipt;
        RETURN 'repeated';
    END IF;
    RETURN 'promised';
END;
$$;

-- release_inbound: delete every promise of the order and take its units off the receipts, which are locked in
-- id order first. Returns the units given back; 0 when the order held nothing (a repeat).
CREATE FUNCTION omscore.release_inbound(p_tenant text, p_order_key text)
RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    v_receipts text[];
    v_units    bigint;
BEGIN
    SELECT array_agg(l.id ORDER BY l.id) INTO v_receipts FROM (
        SELECT r.id FROM omscore.inbound_receipts r
        WHERE r.tenant = p_tenant AND r.id IN (
            SELECT p.receipt_id FROM omscore.inbound_promises p
            WHERE p.tenant = p_tenant AND p.order_key = p_order_key)
        ORDER BY r.id
        FOR UPDATE OF r
    ) l;
    IF v_receipts IS NULL THEN
        RETURN 0;
    END IF;
    WITH gone AS (
        DELETE FROM omscore.inbound_promises p
        WHERE p.tenant = p_tenant AND p.order_key = p_order_key AND p.receipt_id = ANY (v_receipts)
        RETURNING p.receipt_id, p.units
    ), changed AS (
        UPDATE omscore.inbound_receipts r SET promised = r.promised - g.units
        FROM gone g
        WHERE r.tenant = p_tenant AND r.id = g.receipt_id
        RETURNING g.units
    )
    SELECT coalesce(sum(c.units), 0) INTO v_units FROM changed c;
    RETURN v_units;
END;
$$;

-- arrive_inbound: mark an open receipt arrived and end the promises made from it. Returns the order keys that
-- held them, ascending; empty when the receipt is unknown or arrived already (a repeat).
CREATE FUNCTION omscore.arrive_inbound(p_tenant text, p_receipt text)
RETURNS text[]
LANGUAGE plpgsql AS $$
DECLARE
    v_orders text[];
    v_units  bigint;
BEGIN
    -- Lock the receipt first: no promise can be added to it from here on, so the promises deleted next are
    -- all there are.
    PERFORM 1 FROM omscore.inbound_receipts r
        WHERE r.tenant = p_tenant AND r.id = p_receipt AND NOT r.arrived
        FOR UPDATE OF r;
    IF NOT FOUND THEN
        RETURN '{}';
    END IF;
    WITH gone AS (
        DELETE FROM omscore.inbound_promises p
        WHERE p.tenant = p_tenant AND p.receipt_id = p_receipt
        RETURNING p.order_key, p.units
    )
    SELECT coalesce(array_agg(g.order_key ORDER BY g.order_key), '{}'), coalesce(sum(g.units), 0)
        INTO v_orders, v_units FROM gone g;
    UPDATE omscore.inbound_receipts r SET arrived = true, promised = r.promised - v_units
        WHERE r.tenant = p_tenant AND r.id = p_receipt;
    RETURN v_orders;
END;
$$;
