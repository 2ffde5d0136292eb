-- omscore schema, version 2: gift activity quotas (赠品活动配额).
--
-- Two counters and the claims they count, changed together by omscore.take_gift and omscore.give_back_gift.
-- A counter changes only by a guarded relative upsert (taken = taken + n WHERE taken + n <= quota), which at
-- READ COMMITTED locks the row and re-checks the guard against its newest version; never read-modify-write.
-- The quota travels with each claim and is not stored. Rows are locked in one order, the claim, then the
-- activity, then the buyer, so takes and give-backs in one activity do not deadlock each other.

CREATE TABLE omscore.gift_activities (
    tenant       text COLLATE "C" NOT NULL,
    activity     text COLLATE "C" NOT NULL,
    taken        bigint           NOT NULL DEFAULT 0 CHECK (taken >= 0),
    PRIMARY KEY (tenant, activity)
);

CREATE TABLE omscore.gift_buyers (
    tenant       text COLLATE "C" NOT NULL,
    activity     text COLLATE "C" NOT NULL,
    buyer        text COLLATE "C" NOT NULL,
    taken        bigint           NOT NULL DEFAULT 0 CHECK (taken >= 0),
    PRIMARY KEY (tenant, activity, buyer)
);

-- One claim per (activity, order): the idempotency key of a take.
CREATE TABLE omscore.gift_claims (
    tenant       text COLLATE "C" NOT NULL,
    activity     text COLLATE "C" NOT NULL,
    order_key    text COLLATE "C" NOT NULL,
    buyer        text COLLATE "C" NOT NULL,
    units        bigint           NOT NULL CHECK (units > 0),
    PRIMARY KEY (tenant, activity, order_key)
);
CREATE INDEX gift_claims_by_order ON omscore.gift_claims (tenant, order_key, activity);

-- take_gift: record the claim if the activity stays within p_quota and the buyer within p_per_buyer (NULL: no
-- limit), all or nothing. Returns 'taken', 'repeated' (the order already holds a claim in the activity;
-- nothing changed) or 'refused' (a limit; nothing changed).
CREATE FUNCTION omscore.take_gift(
    p_tenant text, p_activity text, p_order_key text, p_buyer text, p_units bigint, p_quota bigint,
    p_per_buyer bigint
) RETURNS text
LANGUAGE plpgsql AS $$
BEGIN
    -- The claim first: a worker taking the same order waits here until this transaction ends, then finds the
    -- claim (a repeat) or, when it was not kept, goes on.
    INSERT INTO omscore.gift_claims (tenant, activity, order_key, buyer, units)
        VALUES (p_tenant, p_activity, p_order_key, p_buyer, p_units)
        ON CONFLICT DO NOTHING;
    IF NOT FOUND THEN
        RETURN 'repeated';
    END IF;

    INSERT INTO omscore.gift_activities AS a (tenant, activity, taken)
        SELECT p_tenant, p_activity, p_units WHERE p_quota IS NULL OR p_units <= p_quota
        ON CONFLICT (tenant, activity) DO UPDATE SET taken = a.taken + excluded.taken
        WHERE p_quota IS NULL OR a.taken + excluded.taken <= p_quota;
    IF NOT FOUND THEN
        DELETE FROM omscore.gift_claims c
            WHERE c.tenant = p_tenant AND c.activity = p_activity AND c.order_key = p_order_key;
        RETURN 'refused';
    END IF;

    INSERT INTO omscore.gift_buyers AS b (tenant, activity, buyer, taken)
        SELECT p_tenant, p_activity, p_buyer, p_units WHERE p_per_buyer IS NULL OR p_units <= p_per_buyer
        ON CONFLICT (tenant, activity, buyer) DO UPDATE SET taken = b.taken + excluded.taken
        WHERE p_per_buyer IS NULL OR b.taken + excluded.taken <= p_per_buyer;
    IF NOT FOUND THEN
        UPDATE omscore.gift_activities a SET taken = a.taken - p_units
            WHERE a.tenant = p_tenant AND a.activity = p_activity;
        DELETE FROM omscore.gift_claims c
            WHERE c.tenant = p_tenant AND c.activity = p_activity AND c.order_key = p_order_key;
        RETURN 'refused';
    END IF;
    RETURN 'taken';
END;
$$;

-- give_back_gift: delete the order's claim in the activity and take its units off both counters. Returns the
-- units given back; 0 when there was no claim (a repeat).
CREATE FUNCTION omscore.give_back_gift(p_tenant text, p_activity text, p_order_key text)
RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    v_buyer text;
    v_units bigint;
BEGIN
    DELETE FROM omscore.gift_claims c
        WHERE c.tenant = p_tenant AND c.activity = p_activity AND c.order_key = p_order_key
        RETURNING c.buyer, c.units INTO v_buyer, v_units;
    IF NOT FOUND THEN
        RETURN 0;
    END IF;
    UPDATE omscore.gift_activities a SET taken = a.taken - v_units
        WHERE a.tenant = p_tenant AND a.activity = p_activity;
    UPDATE omscore.gift_buyers b SET taken = b.taken - v_units
        WHERE b.tenant = p_tenant AND b.activity = p_activity AND b.buyer = v_buyer;
    RETURN v_units;
END;
$$;
