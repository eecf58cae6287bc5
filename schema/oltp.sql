-- The simulated sportsbook OLTP (PostgreSQL 15). Documented in docs/oltp-schema.md.
-- Players, wallet, betting and catalogue are separate services at an operator, so there are
-- deliberately NO foreign keys between their tables: the inconsistencies tote must find
-- (a leg on an unknown selection, a payout without its credit, ...) can really exist here.
-- Money is bigint minor units (ISO 4217 exponent of the row's currency); odds and FX rates are
-- exact numerics. Column order matches src/simulate/table_def.cpp (the Debezium field order).

-- ---- players service -------------------------------------------------------------------
CREATE TABLE players (
    id            bigserial PRIMARY KEY,
    country       text        NOT NULL,                 -- ISO 3166-1 alpha-2
    currency      text        NOT NULL,                 -- wallet currency, ISO 4217
    channel       text        NOT NULL CHECK (channel IN ('web', 'app', 'ussd')),
    registered_at timestamptz NOT NULL,
    status        text        NOT NULL CHECK (status IN ('active', 'self_excluded', 'closed')),
    kyc_note      text                                  -- long: TOASTed, so unchanged on UPDATE it
                                                        -- arrives as __debezium_unavailable_value
);

-- ---- wallet service (the ledger: the source of financial truth) ------------------------
CREATE TABLE wallet_transactions (
    id            bigserial PRIMARY KEY,
    player_id     bigint      NOT NULL,                 -- players.id (no FK: other service)
    type          text        NOT NULL CHECK (type IN ('deposit', 'withdrawal', 'stake_debit',
                                   'payout_credit', 'refund', 'bonus_credit', 'adjustment')),
    amount_minor  bigint      NOT NULL,                 -- SIGNED: debits < 0, credits > 0
    currency      text        NOT NULL,
    bet_id        bigint,                               -- bets.id for bet-related entries
    status        text        NOT NULL CHECK (status IN ('pending', 'completed', 'failed', 'reversed')),
    created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX wallet_transactions_player ON wallet_transactions (player_id, created_at);
CREATE INDEX wallet_transactions_bet ON wallet_transactions (bet_id) WHERE bet_id IS NOT NULL;

CREATE TABLE fx_rates (
    currency      text           NOT NULL,
    day           date           NOT NULL,
    rate_to_eur   numeric(20,10) NOT NULL CHECK (rate_to_eur > 0),  -- EUR per 1 major unit
    PRIMARY KEY (currency, day)
);

-- ---- catalogue service -----------------------------------------------------------------
CREATE TABLE sports (
    id            bigserial PRIMARY KEY,
    name          text NOT NULL
);

CREATE TABLE competitions (
    id            bigserial PRIMARY KEY,
    sport_id      bigint NOT NULL,
    name          text   NOT NULL,
    country       text                                  -- NULL = international
);

CREATE TABLE events (
    id             bigserial PRIMARY KEY,
    competition_id bigint      NOT NULL,
    home           text        NOT NULL,
    away           text        NOT NULL,
    start_at       timestamptz NOT NULL,
    status         text        NOT NULL CHECK (status IN ('scheduled', 'live', 'finished', 'cancelled')),
    result         text                                 -- e.g. '2-1'; NULL until finished
);

CREATE TABLE markets (
    id            bigserial PRIMARY KEY,
    event_id      bigint       NOT NULL,
    type          text         NOT NULL CHECK (type IN ('1X2', 'OU2.5', 'BTTS', 'AH', 'WINNER')),
    line          numeric(6,2),                         -- Asian handicap line for home, else NULL
    status        text         NOT NULL CHECK (status IN ('open', 'suspended', 'settled', 'voided'))
);

CREATE TABLE selections (
    id               bigserial PRIMARY KEY,
    market_id        bigint        NOT NULL,
    name             text          NOT NULL,
    odds             numeric(10,4) NOT NULL CHECK (odds >= 1),
    result           text CHECK (result IN ('win', 'lose', 'void', 'dead_heat')),
    dead_heat_factor numeric(6,4) CHECK (dead_heat_factor > 0 AND dead_heat_factor <= 1)
);

-- Raw odds feed, consumed and TRUNCATEd by a job (Debezium op 't').
CREATE TABLE odds_staging (
    id            bigserial PRIMARY KEY,
    selection_id  bigint        NOT NULL,
    odds          numeric(10,4) NOT NULL,
    received_at   timestamptz   NOT NULL DEFAULT now()
);

-- ---- betting service -------------------------------------------------------------------
CREATE TABLE bets (
    id                     bigserial PRIMARY KEY,
    player_id              bigint        NOT NULL,
    type                   text          NOT NULL CHECK (type IN ('single', 'accumulator')),
    stake_minor            bigint        NOT NULL,
    currency               text          NOT NULL,
    total_odds             numeric(14,4) NOT NULL,
    potential_payout_minor bigint        NOT NULL,
    status                 text          NOT NULL CHECK (status IN ('open', 'won', 'lost', 'void', 'cashed_out')),
    payout_minor           bigint,                       -- NULL while open
    placed_at              timestamptz   NOT NULL,
    settled_at             timestamptz,
    channel                text          NOT NULL CHECK (channel IN ('web', 'app', 'ussd'))
);
CREATE INDEX bets_player ON bets (player_id, placed_at);

CREATE TABLE bet_legs (
    bet_id        bigint        NOT NULL,
    leg_no        integer       NOT NULL,
    selection_id  bigint        NOT NULL,               -- selections.id (no FK: other service)
    odds_taken    numeric(10,4) NOT NULL,
    result        text CHECK (result IN ('win', 'lose', 'void', 'dead_heat')),
    PRIMARY KEY (bet_id, leg_no)
);

-- Debezium's pgoutput publication (the connector creates it when allowed to).
-- CREATE PUBLICATION dbz_publication FOR ALL TABLES;
