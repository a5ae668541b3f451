-- export-format-delivery schema, version 1. Runs unchanged on H2 2.x and PostgreSQL 13+.
-- Instants are epoch milliseconds (BIGINT): the service's injectable Clock decides "now", never the
-- database's clock, so H2 and PostgreSQL agree and tests can stand exactly at an edge.

-- The approval gate (seed step 3): the export request as submitted and its two independent checks.
CREATE TABLE export_request (
  request_id            VARCHAR(128) PRIMARY KEY,
  request_json          TEXT         NOT NULL,  -- the ExportRequest as submitted (its JSON codec)
  requester             VARCHAR(256) NOT NULL,
  recipient_certificate TEXT         NOT NULL,  -- the request's certificate (PEM), re-validated at re-issue
  recipient_chain       TEXT         NOT NULL,  -- intermediates given at submission (PEM, may be empty)
  recipient_fingerprint VARCHAR(128) NOT NULL,  -- sha256:aa:bb:... of the request's certificate
  submitted_at          BIGINT       NOT NULL,
  -- check 1: the certificate policy decision, with every check's status and code
  policy_accepted       BOOLEAN      NOT NULL,
  policy_checks         TEXT         NOT NULL,  -- one "STATUS code" per line, in evaluation order
  policy_checked_at     BIGINT       NOT NULL,
  -- check 2: the authorization review; the reviewer is never the requester
  reviewer              VARCHAR(256),
  review_approved       BOOLEAN,
  review_note           VARCHAR(1024),
  reviewed_at           BIGINT,
  CONSTRAINT review_complete CHECK (
    (reviewer IS NULL AND review_approved IS NULL AND reviewed_at IS NULL)
    OR (reviewer IS NOT NULL AND review_approved IS NOT NULL AND reviewed_at IS NOT NULL)),
  CONSTRAINT reviewer_not_requester CHECK (reviewer IS NULL OR reviewer <> requester)
);

CREATE TABLE delivery_link (
  link_id               VARCHAR(40)  PRIMARY KEY,
  token_hash            CHAR(64)     NOT NULL UNIQUE, -- hex SHA-256 of the URL's token; never the token
  request_id            VARCHAR(128) NOT NULL,
  reissued_from         VARCHAR(128),                 -- the original request ID, for a re-issued link
  export_id             CHAR(36)     NOT NULL,
  archive_key           VARCHAR(256) NOT NULL,        -- the archive store's key
  archive_sha256        CHAR(64)     NOT NULL,
  archive_size          BIGINT       NOT NULL,
  recipient_fingerprint VARCHAR(128) NOT NULL,
  contact               VARCHAR(320),
  created_by            VARCHAR(256) NOT NULL,
  created_at            BIGINT       NOT NULL,
  expires_at            BIGINT       NOT NULL,
  max_downloads         INTEGER      NOT NULL,
  downloads_used        INTEGER      NOT NULL DEFAULT 0,
  revoked_at            BIGINT,
  revoke_reason         VARCHAR(1024),
  CONSTRAINT downloads_bounded CHECK (downloads_used >= 0 AND downloads_used <= max_downloads),
  CONSTRAINT max_downloads_positive CHECK (max_downloads >= 1)
);
CREATE INDEX delivery_link_request ON delivery_link (request_id);

-- One granted download: the button's POST creates it; the transfer and its resumes use its secret.
CREATE TABLE download_grant (
  grant_id              VARCHAR(40)  PRIMARY KEY,
  grant_hash            CHAR(64)     NOT NULL UNIQUE, -- hex SHA-256 of the grant URL's secret
  link_id               VARCHAR(40)  NOT NULL REFERENCES delivery_link (link_id),
  granted_at            BIGINT       NOT NULL,
  resume_until          BIGINT       NOT NULL,
  full_served           BOOLEAN      NOT NULL DEFAULT FALSE, -- its one full (200) transfer has started
  bytes_reserved        BIGINT       NOT NULL DEFAULT 0,     -- free bytes used so far (see the resume rule)
  completed_at          BIGINT
);
CREATE INDEX download_grant_link ON download_grant (link_id);

-- Append-only, hash-chained audit. Nothing in the module updates or deletes a row of audit_event.
CREATE TABLE audit_event (
  seq                   BIGINT       PRIMARY KEY,
  at_millis             BIGINT       NOT NULL,
  event                 VARCHAR(40)  NOT NULL,
  request_id            VARCHAR(128),
  link_id               VARCHAR(40),
  client                VARCHAR(64),
  user_agent            VARCHAR(512),
  detail                VARCHAR(4000),
  prev_hash             CHAR(64)     NOT NULL,
  row_hash              CHAR(64)     NOT NULL
);
CREATE INDEX audit_event_request ON audit_event (request_id);

-- The chain's head (last seq and hash): appends lock this one row, so the chain stays linear.
CREATE TABLE audit_head (
  id                    INTEGER      PRIMARY KEY,
  seq                   BIGINT       NOT NULL,
  row_hash              CHAR(64)     NOT NULL
);
INSERT INTO audit_head (id, seq, row_hash)
  VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
