-- Up Migration
-- Per-user request counters shared by all instances (the rate limit is then one limit, not one per instance).
CREATE TABLE rate_limits (key text PRIMARY KEY, hits int NOT NULL, reset_at timestamptz NOT NULL);
CREATE INDEX rate_limits_reset ON rate_limits (reset_at);

-- Down Migration
DROP TABLE rate_limits;
