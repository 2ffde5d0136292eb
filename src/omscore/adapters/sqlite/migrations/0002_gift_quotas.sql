-- omscore SQLite schema, version 2: gift activity quotas (赠品活动配额).
--
-- Two counters and the claims they count. The counters change only by guarded relative statements
-- (taken = taken + n WHERE taken + n <= quota). The quota travels with each claim and is not stored. Both
-- counters always equal the sum of the claims on them: they change in the same transaction, every time.

-- Units taken per activity.
CREATE TABLE gift_activities (
    tenant   TEXT    NOT NULL,
    activity TEXT    NOT NULL,
    taken    INTEGER NOT NULL DEFAULT 0 CHECK (taken >= 0),
    PRIMARY KEY (tenant, activity)
) WITHOUT ROWID;

-- Units taken per buyer in an activity (the per-buyer limit).
CREATE TABLE gift_buyers (
    tenant   TEXT    NOT NULL,
    activity TEXT    NOT NULL,
    buyer    TEXT    NOT NULL,
    taken    INTEGER NOT NULL DEFAULT 0 CHECK (taken >= 0),
    PRIMARY KEY (tenant, activity, buyer),
    FOREIGN KEY (tenant, activity) REFERENCES gift_activities (tenant, activity)
) WITHOUT ROWID;

-- One claim per (activity, order): the idempotency key of a take.
CREATE TABLE gift_claims (
    tenant    TEXT    NOT NULL,
    activity  TEXT    NOT NULL,
    order_key TEXT    NOT NULL,
    buyer     TEXT    NOT NULL,
    units     INTEGER NOT NULL CHECK (units > 0),
    PRIMARY KEY (tenant, activity, order_key),
    FOREIGN KEY (tenant, activity, buyer) REFERENCES gift_buyers (tenant, activity, buyer)
) WITHOUT ROWID;

-- What an order holds in every activity (a cancellation gives it all back).
CREATE INDEX gift_claims_by_order ON gift_claims (tenant, order_key, activity);
