-- Up Migration
-- Veiviser's store on PostgreSQL. Each record is kept whole as JSONB (the domain's own shape, as
-- in the lowdb files); the columns beside it are what queries, locks and uniqueness need.
-- `seq` keeps insertion order where the lowdb adapter keeps list order.

CREATE TABLE meta (key text PRIMARY KEY, value jsonb NOT NULL);
INSERT INTO meta (key, value) VALUES ('content_version', '0');

CREATE TABLE pages (url text PRIMARY KEY, seq bigserial NOT NULL, data jsonb NOT NULL);
CREATE INDEX pages_seq ON pages (seq);

CREATE TABLE questions (id text PRIMARY KEY, seq bigserial NOT NULL, at timestamptz NOT NULL, data jsonb NOT NULL);
CREATE INDEX questions_seq ON questions (seq);

CREATE TABLE conversations (key text PRIMARY KEY, data jsonb NOT NULL);

CREATE TABLE ticket_seq (year int PRIMARY KEY, last int NOT NULL);
CREATE TABLE tickets (
  id text PRIMARY KEY, seq bigserial NOT NULL, year int NOT NULL, number int NOT NULL, version int NOT NULL,
  state text NOT NULL, data jsonb NOT NULL, UNIQUE (year, number)
);
CREATE INDEX tickets_seq ON tickets (seq);

CREATE TABLE escalation_channels (conversation_key text PRIMARY KEY, seq bigserial NOT NULL, data jsonb NOT NULL);
CREATE TABLE veileder_profiles (user_hash text PRIMARY KEY, data jsonb NOT NULL);
CREATE TABLE secrets (name text PRIMARY KEY, value text NOT NULL);

CREATE TABLE booking_seq (year int PRIMARY KEY, last int NOT NULL);
CREATE TABLE bookings (
  id text PRIMARY KEY, seq bigserial NOT NULL, year int NOT NULL, number int NOT NULL, version int NOT NULL,
  mailbox text NOT NULL, state text NOT NULL, data jsonb NOT NULL, UNIQUE (year, number)
);
CREATE INDEX bookings_mailbox ON bookings (mailbox, state);

CREATE TABLE outbox (
  id text PRIMARY KEY, seq bigserial NOT NULL, conversation_key text NOT NULL, status text NOT NULL, next_attempt_at timestamptz NOT NULL,
  lease_until timestamptz, created_at timestamptz NOT NULL, data jsonb NOT NULL
);
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
CREATE INDEX outbox_seq ON outbox (seq);
CREATE INDEX outbox_undelivered ON outbox (conversation_key, status) WHERE status IN ('pending', 'sending');

CREATE TABLE calendar_events (
  mailbox text NOT NULL, id text NOT NULL, transaction_id text, start_at timestamptz NOT NULL, end_at timestamptz NOT NULL,
  data jsonb NOT NULL, PRIMARY KEY (mailbox, id)
);
CREATE UNIQUE INDEX calendar_events_tx ON calendar_events (mailbox, transaction_id) WHERE transaction_id IS NOT NULL;
CREATE INDEX calendar_events_time ON calendar_events (mailbox, start_at, end_at);

CREATE TABLE working_hours (mailbox text PRIMARY KEY, data jsonb NOT NULL);

-- Down Migration
DROP TABLE working_hours, calendar_events, outbox, bookings, booking_seq, secrets, veileder_profiles,
  escalation_channels, tickets, ticket_seq, conversations, questions, pages, meta;
