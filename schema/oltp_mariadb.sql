-- The simulated sportsbook OLTP, MariaDB flavour (MariaDB 10.11, InnoDB). Documented in
-- docs/oltp-schema.md ("MariaDB flavour"); its mapping to the betting model is
-- mappings/mariadb.yaml. The same tables and rows as schema/oltp.sql, shaped as a MySQL
-- operator typically keeps them:
--   * money is DECIMAL(20,2) in MAJOR units of the row's currency (UGX 1500 is 1500.00,
--     NGN 15.00 is 15.00), signed in the ledger as in schema/oltp.sql;
--   * statuses, types, channels and results are TINYINT codes (the maps below and in
--     mappings/mariadb.yaml);
--   * times are DATETIME(6) in UTC (the server runs with time_zone = '+00:00'): no zone is
--     stored, the mapping file says which zone they are in;
--   * no foreign keys between the services' tables (as in schema/oltp.sql).
-- Codes:
--   channel              1 web, 2 app, 3 ussd
--   players.status       1 active, 2 self_excluded, 3 closed
--   wallet type          1 deposit, 2 withdrawal, 3 stake_debit, 4 payout_credit, 5 refund,
--                        6 bonus_credit, 7 adjustment
--   wallet status        1 pending, 2 completed, 3 failed, 4 reversed
--   events.status        1 scheduled, 2 live, 3 finished, 4 cancelled
--   markets.status       1 open, 2 suspended, 3 settled, 4 voided
--   result (selections, bet_legs)  1 win, 2 lose, 3 void, 4 dead_heat (NULL: not resulted)
--   bets.type            1 single, 2 accumulator
--   bets.status          1 open, 2 won, 3 lost, 4 void, 5 cashed_out

-- ---- players service -------------------------------------------------------------------
CREATE TABLE players (
    id            BIGINT      NOT NULL AUTO_INCREMENT PRIMARY KEY,
    country       CHAR(2)     NOT NULL,                 -- ISO 3166-1 alpha-2
    currency      CHAR(3)     NOT NULL,                 -- wallet currency, ISO 4217
    channel       TINYINT     NOT NULL CHECK (channel BETWEEN 1 AND 3),
    registered_at DATETIME(6) NOT NULL,
    status        TINYINT     NOT NULL CHECK (status BETWEEN 1 AND 3),
    kyc_note      TEXT
) ENGINE = InnoDB;

-- ---- wallet service (the ledger: the source of financial truth) ------------------------
CREATE TABLE wallet_transactions (
    id            BIGINT        NOT NULL AUTO_INCREMENT PRIMARY KEY,
    player_id     BIGINT        NOT NULL,               -- players.id (no FK: other service)
    type          TINYINT       NOT NULL CHECK (type BETWEEN 1 AND 7),
    amount        DECIMAL(20,2) NOT NULL,               -- SIGNED major units: debits < 0
    currency      CHAR(3)       NOT NULL,
    bet_id        BIGINT,                               -- bets.id for bet-related entries
    status        TINYINT       NOT NULL CHECK (status BETWEEN 1 AND 4),
    created_at    DATETIME(6)   NOT NULL,
    KEY wallet_transactions_player (player_id, created_at),
    KEY wallet_transactions_bet (bet_id)
) ENGINE = InnoDB;

CREATE TABLE fx_rates (
    currency      CHAR(3)        NOT NULL,
    day           DATE           NOT NULL,
    rate_to_eur   DECIMAL(20,10) NOT NULL CHECK (rate_to_eur > 0),  -- EUR per 1 major unit
    PRIMARY KEY (currency, day)
) ENGINE = InnoDB;

-- ---- catalogue service -----------------------------------------------------------------
CREATE TABLE sports (
    id            BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
    name          VARCHAR(100) NOT NULL
) ENGINE = InnoDB;

CREATE TABLE competitions (
    id            BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
    sport_id      BIGINT       NOT NULL,
    name          VARCHAR(200) NOT NULL,
    country       CHAR(2)                                -- NULL = international
) ENGINE = InnoDB;

CREATE TABLE events (
    id             BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
    competition_id BIGINT       NOT NULL,
    home           VARCHAR(200) NOT NULL,
    away           VARCHAR(200) NOT NULL,
    start_at       DATETIME(6)  NOT NULL,
    status         TINYINT      NOT NULL CHECK (status BETWEEN 1 AND 4),
    result         VARCHAR(20)                           -- e.g. '2-1'; NULL until finished
) ENGINE = InnoDB;

CREATE TABLE markets (
    id            BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
    event_id      BIGINT       NOT NULL,
    type          VARCHAR(10)  NOT NULL,                -- 1X2, OU2.5, BTTS, AH, WINNER
    line          DECIMAL(6,2),                         -- Asian handicap line for home, else NULL
    status        TINYINT      NOT NULL CHECK (status BETWEEN 1 AND 4)
) ENGINE = InnoDB;

CREATE TABLE selections (
    id               BIGINT        NOT NULL AUTO_INCREMENT PRIMARY KEY,
    market_id        BIGINT        NOT NULL,
    name             VARCHAR(100)  NOT NULL,
    odds             DECIMAL(10,4) NOT NULL CHECK (odds >= 1),
    result           TINYINT CHECK (result BETWEEN 1 AND 4),
    dead_heat_factor DECIMAL(6,4) CHECK (dead_heat_factor > 0 AND dead_heat_factor <= 1)
) ENGINE = InnoDB;

-- Raw odds feed, consumed and TRUNCATEd by a job (Debezium op 't').
CREATE TABLE odds_staging (
    id            BIGINT        NOT NULL AUTO_INCREMENT PRIMARY KEY,
    selection_id  BIGINT        NOT NULL,
    odds          DECIMAL(10,4) NOT NULL,
    received_at   DATETIME(6)   NOT NULL
) ENGINE = InnoDB;

-- ---- betting service -------------------------------------------------------------------
CREATE TABLE bets (
    id                BIGINT        NOT NULL AUTO_INCREMENT PRIMARY KEY,
    player_id         BIGINT        NOT NULL,
    type              TINYINT       NOT NULL CHECK (type BETWEEN 1 AND 2),
    stake             DECIMAL(20,2) NOT NULL,           -- major units
    currency          CHAR(3)       NOT NULL,
    total_odds        DECIMAL(14,4) NOT NULL,
    potential_payout  DECIMAL(20,2) NOT NULL,           -- major units
    status            TINYINT       NOT NULL CHECK (status BETWEEN 1 AND 5),
    payout            DECIMAL(20,2),                    -- NULL while open
    placed_at         DATETIME(6)   NOT NULL,
    settled_at        DATETIME(6),
    channel           TINYINT       NOT NULL CHECK (channel BETWEEN 1 AND 3),
    KEY bets_player (player_id, placed_at)
) ENGINE = InnoDB;

CREATE TABLE bet_legs (
    bet_id        BIGINT        NOT NULL,
    leg_no        INT           NOT NULL,
    selection_id  BIGINT        NOT NULL,               -- selections.id (no FK: other service)
    odds_taken    DECIMAL(10,4) NOT NULL,
    result        TINYINT CHECK (result BETWEEN 1 AND 4),
    PRIMARY KEY (bet_id, leg_no)
) ENGINE = InnoDB;
